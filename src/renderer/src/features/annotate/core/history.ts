/** One undoable change; `redo` repeats what `do` did the first time. */
export interface Undoable {
  label: string;
  imageId: number | null;
  redo(): void | Promise<void>;
  undo(): void | Promise<void>;
}

/** Undo/redo stacks. Only document changes enter (one entry per gesture); selection, zoom and tool never do. */
export class History<C extends Undoable = Undoable> {
  private past: C[] = [];
  private future: C[] = [];

  constructor(private readonly limit = 500) {}

  /** Record a change that has just been applied; a new change clears the redo stack. */
  push(cmd: C): void {
    this.past.push(cmd);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  /** Take the latest change off the undo stack (the caller runs its undo). */
  popUndo(): C | undefined {
    const c = this.past.pop();
    if (c) this.future.push(c);
    return c;
  }

  /** Take the next change off the redo stack (the caller runs its redo). */
  popRedo(): C | undefined {
    const c = this.future.pop();
    if (c) this.past.push(c);
    return c;
  }

  /** Whether there is something to undo. */
  get canUndo(): boolean {
    return this.past.length > 0;
  }

  /** Whether there is something to redo. */
  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Labels of the undo stack, oldest first (tests and a history panel). */
  labels(): string[] {
    return this.past.map((c) => c.label);
  }

  /** Forget everything (a different project was opened). */
  clear(): void {
    this.past = [];
    this.future = [];
  }
}
