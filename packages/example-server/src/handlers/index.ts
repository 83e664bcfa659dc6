import type { EventHandlers } from 'acadle-webhooks';
import type { Sink } from '../sinks/sink.js';
import { userBadgeUpdated } from './user-badge-updated.js';
import { userCertificateIssued } from './user-certificate-issued.js';
import { userCourseCompleted } from './user-course-completed.js';
import { userLessonsCompleted } from './user-lessons-completed.js';
import { userRegistered } from './user-registered.js';

/** One handler per event type, all sending their actions to `sink`. Change these for your integration. */
export function createHandlers(sink: Sink): EventHandlers {
  return {
    user_registered: userRegistered(sink),
    user_course_completed: userCourseCompleted(sink),
    user_lessons_completed: userLessonsCompleted(sink),
    user_certificate_issued: userCertificateIssued(sink),
    user_badge_updated: userBadgeUpdated(sink),
  };
}
