import { ReceiverError } from '../receiver/receiver-error.js';

/**
 * Pausing one academy: its new deliveries are refused with `503 academy_paused` (and `Retry-After`),
 * so Acadle keeps them and retries; those already stored wait; other academies go on. `BullMQQueue`
 * keeps the state in Redis or PostgreSQL (it outlives a restart, every process sees it within a
 * second); `MemoryQueue` for the life of the process.
 */
export interface AcademyPausing {
  /** Pauses the academy (a no-op when it is paused). */
  pauseAcademy(academy: string): Promise<void>;
  /** Resumes it: new deliveries are taken again, and those it held are processed. */
  resumeAcademy(academy: string): Promise<void>;
  /** The paused academies, by name. */
  pausedAcademies(): Promise<string[]>;
}

/** What `enqueue` throws for a paused academy's delivery: the receiver answers it `503 academy_paused`. */
export function pausedError(academy: string): ReceiverError {
  return new ReceiverError(
    'academy_paused',
    `The academy ${academy} is paused: its deliveries are refused until it is resumed`,
  );
}
