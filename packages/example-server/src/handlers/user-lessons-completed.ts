import type { EventHandler } from 'acadle-webhooks';
import { actionKey, type Sink } from '../sinks/sink.js';

/** A member completed a lesson: record their progress. */
export const userLessonsCompleted =
  (sink: Sink): EventHandler<'user_lessons_completed'> =>
  async (event, { academy }) => {
    const { user, course, lesson } = event.data;
    await sink.send({
      kind: 'crm.mark_lesson_complete',
      academy,
      idempotencyKey: actionKey(academy, event.id, 'lesson-complete'),
      payload: {
        email: user.email,
        courseId: course.id,
        lessonId: lesson.id,
        lesson: lesson.name,
        completedAt: lesson.completed_at.toISOString(),
      },
    });
  };
