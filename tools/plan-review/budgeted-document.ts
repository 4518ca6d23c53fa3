// Builds the review within a size budget: GitHub rejects a comment over 65536 characters, and a reviewer cannot read
// a thousand changes anyway. Blocks are added in order; once one does not fit, it and everything after it are
// counted instead of shown, so the most important (first) sections survive.
import { plural } from "./markdown";

/** Room kept for the "… and N more changes" line. */
const FOOTER_RESERVE_CHARS = 300;

export interface BudgetedBlock {
  /** Called only for blocks that are shown: a long plan's tail is counted, never rendered. */
  readonly render: () => string;
  /** Whether leaving this block out must be called out loudly. */
  readonly critical?: boolean;
}

export class BudgetedDocument {
  private text = "";
  private blocksShown = 0;
  private omitted = 0;
  private criticalOmitted = 0;

  constructor(
    private readonly maxChars: number,
    private readonly maxBlocks: number,
  ) {}

  /** Text that is always shown (marker, summary, notes), before any section. */
  addFixed(text: string): void {
    this.append(text, "\n\n");
  }

  /** A section: its heading is shown with its first block, and only if that block fits. */
  addSection(heading: string, blocks: readonly BudgetedBlock[]): void {
    blocks.forEach((block, i) => {
      if (this.omitted === 0 && this.blocksShown < this.maxBlocks) {
        const [text, separator] = i === 0 ? [`${heading}\n\n${block.render()}`, "\n\n"] : [block.render(), "\n"];
        if (this.fits(separator + text)) {
          this.append(text, separator);
          this.blocksShown += 1;
          return;
        }
      }
      this.omitted += 1;
      this.criticalOmitted += block.critical ? 1 : 0;
    });
  }

  toString(): string {
    let text = this.text;
    if (this.omitted > 0) {
      const critical =
        this.criticalOmitted > 0 ? `, **including ${plural(this.criticalOmitted, "identity-critical change")}**` : "";
      text += `\n\n… and ${this.omitted} more ${this.omitted === 1 ? "change" : "changes"}${critical} not shown here: see the full plan in the workflow log.`;
    }
    text += "\n";
    // Only reachable when the fixed text alone exceeds the budget; the limit holds regardless.
    return text.length <= this.maxChars ? text : `${text.slice(0, this.maxChars - 2)}…\n`;
  }

  private fits(text: string): boolean {
    return this.text.length + text.length + FOOTER_RESERVE_CHARS <= this.maxChars;
  }

  private append(text: string, separator: string): void {
    this.text += this.text === "" ? text : separator + text;
  }
}
