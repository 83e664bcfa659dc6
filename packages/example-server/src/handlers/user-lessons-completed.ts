import type { EventHandler } from 'acadle-webhooks';
import type { Sink } from '../sinks/sink.js';

/** A member completed a lesson: record their progress. */
export const userLessonsCompleted =
  (sink: Sink): EventHandler<'user_lessons_completed'> =>
  async (event) => {
    const { user, course, lesson } = event.data;
    await sink.send({
      kind: 'crm.mark_lesson_complete',
      idempotencyKey: `${event.id}:lesson-complete`,
      payload: {
        email: user.email,
        courseId: course.id,
        lessonId: lesson.id,
        lesson: lesson.name,
        completedAt: lesson.completed_at.toISOString(),
      },
    });
  };
