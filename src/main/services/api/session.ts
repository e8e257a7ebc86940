import { randomBytes } from 'node:crypto';
import type { EventMap } from '../../../shared/api/contract';
import type { ProjectInfo } from '../../../shared/domain/types';
import { NoProjectError } from '../../../shared/errors';
import type { Project } from '../project/project';
import type { RunQueue } from '../runs/queue';
import type { OpenProject, ProjectRegistry } from './registry';

/** Something that wants a session's events: its window, its browser tab's socket, the CLI's progress lines. */
export type SessionListener = <E extends keyof EventMap>(event: E, payload: EventMap[E]) => void;

/**
 * What one front-door client is working on: an Electron window, one browser tab's connection to `ridge serve`,
 * one CLI command. It has its own open project (opening another never changes another session's) held through
 * the door's registry, and hears that project's run events and its own calls' progress, nobody else's.
 */
export class StudioSession {
  private current: OpenProject | null = null;
  private offProject: (() => void) | null = null;
  private readonly listeners = new Set<SessionListener>();
  private closed = false;

  constructor(
    private readonly registry: ProjectRegistry,
    /** Names the session to its client, so a reconnecting tab resumes it (open project included). */
    readonly id: string = randomBytes(16).toString('base64url'),
  ) {}

  /** The open project, or a no-project error telling the person to open one. */
  get project(): Project {
    if (!this.current) throw new NoProjectError();
    return this.current.project;
  }

  /** The open project's run queue (shared with every session on the project). */
  get queue(): RunQueue {
    if (!this.current) throw new NoProjectError();
    return this.current.queue;
  }

  /** The folder of the open project, or null. */
  get dir(): string | null {
    return this.current?.project.dir ?? null;
  }

  /** Open a project folder (or create one there) and switch to it; returns what the UI shows. */
  use(dir: string, how: 'open' | 'create' = 'open', name?: string): ProjectInfo {
    if (this.closed) throw new Error('the session is closed');
    const next = this.registry.acquire(dir, how, name);
    this.switchTo(next);
    return next.project.info();
  }

  private switchTo(next: OpenProject | null): void {
    const prev = this.current;
    this.offProject?.();
    this.current = next;
    this.offProject = next ? next.subscribe((e, payload) => this.emit(e, payload)) : null;
    prev?.release();
  }

  /** Listen to this session's events; returns the unsubscribe function. */
  subscribe(l: SessionListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Push an event to this session's listeners only (progress of its own calls, a project it changed). */
  emit<E extends keyof EventMap>(event: E, payload: EventMap[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        /* a listener's failure never breaks the call that emitted */
      }
    }
  }

  /** Let go of the open project and stop for good. */
  close(): void {
    this.closed = true;
    this.switchTo(null);
    this.listeners.clear();
  }
}
