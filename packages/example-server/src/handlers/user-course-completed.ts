import type { EventHandler } from 'acadle-webhooks';
import { actionKey, type Sink } from '../sinks/sink.js';

/** A member completed a course: mark it complete in your CRM or HR system. */
export const userCourseCompleted =
  (sink: Sink): EventHandler<'user_course_completed'> =>
  async (event, { academy }) => {
    const { user, course } = event.data;
    await sink.send({
      kind: 'crm.mark_course_complete',
      academy,
      idempotencyKey: actionKey(academy, event.id, 'course-complete'),
      payload: {
        email: user.email,
        courseId: course.id,
        course: course.name,
        completedAt: course.completed_at.toISOString(),
      },
    });
  };
