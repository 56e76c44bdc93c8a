/**
 * EPCIS capture jobs (GS1 EPCIS 2.0 REST binding): what `GET /epcis/capture/{captureID}` reports.
 * Kept in memory, the newest 10,000: a job is looked at right after its capture, and its events,
 * once stored, are in the log for good (a restart forgets jobs, never events).
 */
import { randomBytes } from 'node:crypto';
import type { Problem } from './problem.js';

export interface CaptureJob {
  readonly captureID: string;
  readonly createdAt: string;
  finishedAt?: string;
  running: boolean;
  success: boolean;
  readonly captureErrorBehaviour: 'rollback';
  errors: Problem[];
  /** Lotline additions: how many events the document held and what became of them. */
  events: number;
  stored: number;
  duplicates: number;
  declared: number;
  readonly createdBy: string;
}

export class CaptureJobs {
  private readonly jobs = new Map<string, CaptureJob>();

  constructor(private readonly max = 10_000) {}

  create(createdBy: string): CaptureJob {
    const job: CaptureJob = {
      captureID: randomBytes(12).toString('hex'),
      createdAt: new Date().toISOString(),
      running: true,
      success: true,
      captureErrorBehaviour: 'rollback',
      errors: [],
      events: 0,
      stored: 0,
      duplicates: 0,
      declared: 0,
      createdBy,
    };
    this.jobs.set(job.captureID, job);
    if (this.jobs.size > this.max) this.jobs.delete(this.jobs.keys().next().value!);
    return job;
  }

  /** Forgets a job that should never have been one (the caller was refused). */
  delete(id: string): void {
    this.jobs.delete(id);
  }

  get(id: string): CaptureJob | undefined {
    return this.jobs.get(id);
  }
}
