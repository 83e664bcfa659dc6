import type { EventHandler } from 'acadle-webhooks';
import { actionKey, type Sink } from '../sinks/sink.js';

/** A member's badge changed: update their profile (e.g. in your community or chat tool). */
export const userBadgeUpdated =
  (sink: Sink): EventHandler<'user_badge_updated'> =>
  async (event, { academy }) => {
    const { user, badge } = event.data;
    await sink.send({
      kind: 'profile.update_badge',
      academy,
      idempotencyKey: actionKey(academy, event.id, 'badge'),
      payload: { email: user.email, badgeId: badge.id, badge: badge.name, category: badge.category ?? null },
    });
  };
