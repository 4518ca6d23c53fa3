import type { Minute } from "./minutes";
import type { RotationEvent, SlotName } from "./rotation-events";

/**
 * The bookkeeping both designs share: numbers secrets, records every event, and schedules the operator's handoff to
 * each secret the outputs announce as current. Events are appended as they happen; handoffs are scheduled for later
 * and merged in by time at the end (a stable sort keeps each minute's order).
 */
export class SecretLedger {
  private readonly log: RotationEvent[] = [];
  private secretCount = 0;
  private announced: number | undefined;

  /** @param handoffDelay minutes from a secret's creation to the operator's handoff; settings changes may change it */
  constructor(public handoffDelay: Minute) {}

  rotationCreated(at: Minute, slot: SlotName, rotatesAt: Minute): void {
    this.log.push({ kind: "rotation-created", at, slot, rotatesAt });
  }

  rotationHeld(at: Minute, slot: SlotName): void {
    this.log.push({ kind: "rotation-held", at, slot });
  }

  /** Records a new password and returns its number. */
  secretCreated(at: Minute, slot: SlotName, endAt: Minute, replaces: number | undefined): number {
    const secret = ++this.secretCount;
    this.log.push({ kind: "secret-created", at, slot, secret, endAt, replaces });
    return secret;
  }

  secretDeleted(at: Minute, slot: SlotName, secret: number): void {
    this.log.push({ kind: "secret-deleted", at, slot, secret });
  }

  /**
   * After a run: the outputs name `current` (made at `createdAt`). If that is news, the operator pastes it after the
   * handoff delay, or at `deadline` when given (worst case: the last moment); the very first secret is pasted at once.
   */
  announceCurrent(current: number, createdAt: Minute, deadline?: Minute): void {
    if (current === this.announced) return;
    const lastMoment = deadline ?? createdAt + this.handoffDelay;
    const at = this.announced === undefined ? createdAt : this.handoffDelay === 0 ? createdAt : lastMoment;
    this.handOff(current, at);
  }

  /** Miradore uses `secret` from `at` on (a replay that starts with secrets already in use says which). */
  handOff(secret: number, at: Minute): void {
    this.announced = secret;
    this.log.push({ kind: "handoff", at, secret });
  }

  /** The whole log in time order. */
  events(): RotationEvent[] {
    return this.log
      .map((event, index) => ({ event, index }))
      .sort((x, y) => x.event.at - y.event.at || x.index - y.index)
      .map(({ event }) => event);
  }
}
