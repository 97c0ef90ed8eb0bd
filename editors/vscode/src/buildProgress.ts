// A build's $/progress reports as a progress notification shows them. Pure; unit-tested (builds.ts
// uses it).

/** The parts of a WorkDoneProgress begin/report/end value used here. */
export interface ProgressValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

export interface ProgressStep {
  message: string | undefined;
  /** Percent points since the last report with a percentage (the notification adds them up). */
  increment: number | undefined;
  /** The build's percentage, if this report has one. */
  percent: number | undefined;
}

/** Turns the server's absolute percentages into the notification's increments. */
export class ProgressSteps {
  private last = 0;

  /** What to show for `v`; undefined for the `end` report (the request's answer ends the build). */
  next(v: ProgressValue): ProgressStep | undefined {
    if (v.kind === 'end') {
      return undefined;
    }
    const percent = v.percentage;
    const increment = percent !== undefined ? Math.max(0, percent - this.last) : undefined;
    if (percent !== undefined) {
      this.last = percent;
    }
    const message = v.kind === 'begin' ? (v.message ?? v.title) : v.message;
    return { message, increment, percent };
  }
}

/** A fresh workDoneToken for one build. */
export function buildToken(now = Date.now(), random = Math.random()): string {
  return `pixi-lsp-build-${now}-${random.toString(36).slice(2)}`;
}
