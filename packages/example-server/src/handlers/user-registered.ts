import type { EventHandler } from 'acadle-webhooks';
import { actionKey, type Sink } from '../sinks/sink.js';

/** A new member signed up: send them a welcome (e.g. add them to your CRM and mailing list). */
export const userRegistered =
  (sink: Sink): EventHandler<'user_registered'> =>
  async (event, { academy }) => {
    const { user } = event.data;
    await sink.send({
      kind: 'crm.welcome_user',
      academy,
      idempotencyKey: actionKey(academy, event.id, 'welcome'),
      payload: { userId: user.id, email: user.email, name: user.name, registeredAt: user.created_at.toISOString() },
    });
  };
