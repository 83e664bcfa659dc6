import type { EventHandler } from 'acadle-webhooks';
import { actionKey, type Sink } from '../sinks/sink.js';

/** A member was issued a certificate: record it (e.g. for compliance reporting). */
export const userCertificateIssued =
  (sink: Sink): EventHandler<'user_certificate_issued'> =>
  async (event, { academy }) => {
    const { user, certificate } = event.data;
    await sink.send({
      kind: 'records.certificate_issued',
      academy,
      idempotencyKey: actionKey(academy, event.id, 'certificate'),
      payload: {
        email: user.email,
        certificateId: certificate.id,
        certificate: certificate.name,
        issuedAt: certificate.issued_at.toISOString(),
      },
    });
  };
