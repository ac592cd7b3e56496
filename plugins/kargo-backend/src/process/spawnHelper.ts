import { ChildProcess, spawn } from 'node:child_process';

/*
 * Why a helper process starts our commands.
 *
 * On Linux, Node's spawn() forks the whole backend before it executes the
 * command, on the event loop's thread: the fork copies the page tables of
 * every resident page, so each spawn blocks the backend for about 3.5 ms
 * per 100 MB of RSS (measured here: 0.8 ms at 46 MB, 11 ms at 366 MB, 22 ms
 * at 681 MB; nodejs/node#14917). A Backstage backend holds hundreds of MB,
 * and a Promotion or a Warehouse re-check starts git several times. So the
 * backend starts one small Node process once and asks it to spawn: that
 * process's forks are cheap, and nothing blocks the backend's event loop.
 * The helper only spawns, forwards output and signals; every policy
 * (timeouts, output limits, killing) stays in runProcessGroup.
 */

/** The helper's whole program: node builtins only, so it runs from any build. */
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
const children = new Map();
const signalled = new Set();
const send = (message, done) => {
  if (!process.connected) return;
  process.send(message, done);
};
const pipe = (id, stream, type) => {
  stream.on('data', data => {
    // One chunk in flight per stream: the channel never buffers a flood.
    stream.pause();
    send({ t: type, id, data }, () => stream.resume());
  });
};
process.on('message', m => {
  if (m.t === 'spawn') {
    let child;
    try {
      child = spawn(m.command, m.args, {
        cwd: m.cwd,
        env: m.env,
        stdio: [m.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (e) {
      send({ t: 'error', id: m.id, code: e.code, message: e.message });
      return;
    }
    children.set(m.id, child);
    pipe(m.id, child.stdout, 'stdout');
    pipe(m.id, child.stderr, 'stderr');
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(m.stdin);
    }
    child.on('error', e => {
      children.delete(m.id);
      signalled.delete(m.id);
      send({ t: 'error', id: m.id, code: e.code, message: e.message });
    });
    child.on('close', (code, signal) => {
      children.delete(m.id);
      // A command stopped by a signal may leave helpers of its own behind
      // (git-remote-http): the group goes too.
      if (signalled.delete(m.id)) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch {}
      }
      send({ t: 'close', id: m.id, code, signal });
    });
  } else if (m.t === 'kill') {
    const child = children.get(m.id);
    if (!child || child.pid === undefined || child.exitCode !== null) return;
    signalled.add(m.id);
    try {
      process.kill(-child.pid, m.signal);
    } catch {
      try { child.kill(m.signal); } catch {}
    }
  }
});
process.on('disconnect', () => process.exit(0));
`;

/** What to start. The environment is the child's whole environment. */
export type LaunchSpec = {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string;
};

/** How a started command reports back. */
export type LaunchHandlers = {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** It could not be started (ENOENT, EACCES, a missing cwd). */
  error(error: NodeJS.ErrnoException): void;
  close(code: number | null, signal: NodeJS.Signals | null): void;
};

/** A started command, in a process group of its own. */
export type LaunchedProcess = {
  /** Signals its whole process group while it runs. */
  killGroup(signal: NodeJS.Signals): void;
};

type Reply =
  | { t: 'stdout' | 'stderr'; id: number; data: Uint8Array }
  | { t: 'error'; id: number; code?: string; message: string }
  | { t: 'close'; id: number; code: number | null; signal: string | null };

/** An idle helper exits after this long (started again when needed). */
const DEFAULT_IDLE_MS = 60_000;

/**
 * The helper process, started on first use and again after it died (a
 * command in flight then fails with an error saying so) or went idle. It
 * keeps the backend alive only while commands run, and exits with the
 * backend.
 */
export class SpawnHelper {
  private child?: ChildProcess;
  private readonly pending = new Map<number, LaunchHandlers>();
  private nextId = 0;
  private idleTimer?: NodeJS.Timeout;

  constructor(private readonly idleMs = DEFAULT_IDLE_MS) {}

  /** The helper's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  launch(spec: LaunchSpec, handlers: LaunchHandlers): LaunchedProcess {
    const child = this.running();
    const id = this.nextId++;
    this.pending.set(id, handlers);
    if (this.pending.size === 1) this.hold(child, true);
    clearTimeout(this.idleTimer);
    child.send({ t: 'spawn', id, ...spec });
    return {
      killGroup: signal => {
        if (this.pending.has(id) && this.child === child) {
          child.send({ t: 'kill', id, signal });
        }
      },
    };
  }

  private running(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // Buffers cross as bytes, not as JSON arrays of numbers.
      serialization: 'advanced',
      env: { PATH: process.env.PATH ?? '' },
    });
    this.child = child;
    this.hold(child, false);
    child.on('message', (reply: Reply) => this.receive(reply));
    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      const failed = [...this.pending.values()];
      this.pending.clear();
      for (const handlers of failed) {
        handlers.error(
          new Error(
            `the backend's process helper ${why} before the command finished`,
          ),
        );
      }
    };
    child.on('exit', (code, signal) =>
      gone(`exited (${signal ?? `code ${code}`})`),
    );
    child.on('error', error => gone(`failed: ${error.message}`));
    return child;
  }

  /** Refs the helper while commands run, so awaiting one keeps Node alive. */
  private hold(child: ChildProcess, busy: boolean) {
    const channel = child.channel as
      | { ref?(): void; unref?(): void }
      | undefined;
    if (busy) {
      child.ref();
      channel?.ref?.();
    } else {
      child.unref();
      channel?.unref?.();
    }
  }

  /** Forgets a finished command; the last one lets the helper idle. */
  private settle(id: number) {
    this.pending.delete(id);
    const child = this.child;
    if (this.pending.size > 0 || !child) return;
    this.hold(child, false);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.child !== child || this.pending.size > 0) return;
      // Closing the channel ends the helper ('disconnect' → exit).
      this.child = undefined;
      child.disconnect();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private receive(reply: Reply) {
    const handlers = this.pending.get(reply.id);
    if (!handlers) return;
    switch (reply.t) {
      case 'stdout':
      case 'stderr':
        handlers[reply.t](
          Buffer.from(
            reply.data.buffer,
            reply.data.byteOffset,
            reply.data.byteLength,
          ),
        );
        return;
      case 'error': {
        this.settle(reply.id);
        const error = new Error(reply.message) as NodeJS.ErrnoException;
        if (reply.code) error.code = reply.code;
        handlers.error(error);
        return;
      }
      case 'close':
        this.settle(reply.id);
        handlers.close(reply.code, reply.signal as NodeJS.Signals | null);
        return;
      default:
    }
  }
}
