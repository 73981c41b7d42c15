import { channel as diagnostics } from 'node:diagnostics_channel';
import { joinFrames, type WireFrames } from './frames.ts';

/**
 * How long one slice of a fan-out may hold the event loop before it yields (setImmediate), so
 * heartbeats, joins and the stack's HTTP requests wait at most this long however many sockets
 * a topic has. Not shorter: on the 2-core machine with 10,000 viewers, 4 ms slices let the work
 * a commit sets off elsewhere (the publisher's read, gzip) run during the fan-out and compete
 * with it, and p99 went from about 105 to about 200 ms (README, Fan-out).
 */
const SLICE_MS = 50;
/** Sockets written between two looks at the clock. */
const CLOCK_EVERY = 64;
/**
 * A topic of at most this many sockets is written within the broadcast call. A larger one is
 * queued and starts on a microtask, so that messages broadcast together (a batch of database
 * broadcasts) join into one write.
 */
const AT_ONCE_MAX = 256;

/**
 * `{ key, events, sockets, slices, ms, longestSliceMs, yieldedMs, longestYieldMs }` after every
 * fan-out: topic key, the events of the messages joined into each write, sockets written,
 * event-loop turns it took, ms from its first socket write to its last, the longest it held the
 * event loop at once, and how much of its time other work had between its slices (in all, and
 * at most at once). Published only while something subscribes (the benchmark).
 */
export const FANOUT_DIAGNOSTICS = 'local-realtime:fanout';
const fanouts = diagnostics(FANOUT_DIAGNOSTICS);

/** Where a fan-out writes: a socket's channel, with the frames already encoded for every socket. */
export interface FanoutTarget {
  readonly closed: boolean;
  readonly outlet: { sendFrames(frames: WireFrames): void };
}

interface Job {
  key: string;
  /** The topic's members when the first message was queued (an array the Hub never mutates). */
  targets: readonly FanoutTarget[];
  except: FanoutTarget | null;
  frames: WireFrames[];
  events: string[];
  /** Set when writing starts; no message joins the job after that. */
  wire: WireFrames | null;
  /** Where this fan-out starts: a different socket each time, so no viewer is always last. */
  offset: number;
  written: number;
  slices: number;
  startedAt: number;
  finishedAt: number;
  yieldedAt: number;
  yieldedMs: number;
  longestYieldMs: number;
  longestSliceMs: number;
}

/**
 * Broadcast fan-out: each message is framed once (WebSocket header included) and written to
 * every socket of its topic in one write, in slices of at most SLICE_MS, oldest message first.
 * Messages for the same members queued before their fan-out starts (a save that changed several
 * zones) go out together, one write per socket for all of them. A small topic is written at once,
 * within the broadcast call, as before, even while a large fan-out of another topic is under way:
 * the command channel's few sockets do not wait behind the public map's 10,000.
 *
 * Per socket and topic, messages keep their order (a topic's fan-outs run one after the other);
 * across topics, and against replies or presence pushes written directly, a message may pass a
 * broadcast still waiting in the queue (Phoenix orders nothing across topics either).
 */
export class Fanout {
  private jobs: Job[] = [];
  private pumping = false;
  private scheduled = false;

  /** `onError`: a socket's write threw (the fan-out goes on with the next socket). */
  constructor(private readonly onError: (e: unknown) => void = () => undefined) {}

  /** `event` names the message in diagnostics only. */
  enqueue(key: string, targets: readonly FanoutTarget[], except: FanoutTarget | null, frames: WireFrames, event = ''): void {
    if (targets.length <= AT_ONCE_MAX && !this.jobs.some((j) => j.key === key)) {
      const job = newJob(key, targets, except, frames, event);
      this.write(job, performance.now(), Infinity);
      return this.report(job);
    }
    const last = this.jobs.at(-1);
    if (last && !last.wire && last.targets === targets && last.except === except) {
      last.frames.push(frames);
      last.events.push(event);
    } else this.jobs.push(newJob(key, targets, except, frames, event));
    if (this.pumping || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.pump());
  }

  /** Messages (fan-outs) not yet written to all their sockets. */
  get pending(): number {
    return this.jobs.length;
  }

  private pump(): void {
    this.scheduled = false;
    this.pumping = true;
    try {
      const sliceStart = performance.now();
      while (this.jobs.length) {
        const job = this.jobs[0];
        if (!this.write(job, sliceStart, SLICE_MS)) {
          this.scheduled = true;
          // Two hops: an immediate queued while I/O callbacks run (where a fan-out usually
          // starts) runs in the same turn of the loop, before any timer or I/O could.
          setImmediate(() => setImmediate(() => this.pump()));
          return;
        }
        this.jobs.shift();
        this.report(job);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Writes the job's sockets until all are written (true) or the slice has run `budgetMs`. */
  private write(job: Job, sliceStart: number, budgetMs: number): boolean {
    const n = job.targets.length;
    if (!job.wire) {
      job.wire = joinFrames(job.frames);
      job.offset = Math.floor(Math.random() * n);
      job.startedAt = performance.now();
    }
    if (job.yieldedAt) {
      const gap = sliceStart - job.yieldedAt;
      job.yieldedMs += gap;
      job.longestYieldMs = Math.max(job.longestYieldMs, gap);
      job.yieldedAt = 0;
    }
    job.slices += 1;
    const wire = job.wire;
    while (job.written < n) {
      let i = job.offset + job.written;
      if (i >= n) i -= n;
      const target = job.targets[i];
      job.written += 1;
      if (target !== job.except && !target.closed) {
        try {
          target.outlet.sendFrames(wire);
        } catch (e) {
          this.onError(e);
        }
      }
      if (job.written % CLOCK_EVERY === 0 && job.written < n && performance.now() - sliceStart >= budgetMs) {
        job.yieldedAt = performance.now();
        job.longestSliceMs = Math.max(job.longestSliceMs, job.yieldedAt - sliceStart);
        return false;
      }
    }
    job.finishedAt = performance.now();
    job.longestSliceMs = Math.max(job.longestSliceMs, job.finishedAt - Math.max(sliceStart, job.startedAt));
    return true;
  }

  private report(job: Job): void {
    if (!fanouts.hasSubscribers) return;
    const { key, events, slices, longestSliceMs, yieldedMs, longestYieldMs } = job;
    fanouts.publish({ key, events, sockets: job.targets.length, slices, ms: job.finishedAt - job.startedAt, longestSliceMs, yieldedMs, longestYieldMs });
  }
}

function newJob(key: string, targets: readonly FanoutTarget[], except: FanoutTarget | null, frames: WireFrames, event: string): Job {
  return {
    key,
    targets,
    except,
    frames: [frames],
    events: [event],
    wire: null,
    offset: 0,
    written: 0,
    slices: 0,
    startedAt: 0,
    finishedAt: 0,
    yieldedAt: 0,
    yieldedMs: 0,
    longestYieldMs: 0,
    longestSliceMs: 0,
  };
}
