// Problem lists stay bounded: a 50 MB listing of bad lines must not turn into a million
// diagnostics (nobody reads past the first screen, and the editor chokes on them).

import type { ListingProblem } from './model.ts';

export const MAX_PROBLEMS = 1000;

export function report(problems: ListingProblem[], problem: ListingProblem): void {
  if (problems.length < MAX_PROBLEMS) problems.push(problem);
  else if (problems.length === MAX_PROBLEMS) {
    problems.push({
      severity: 'warning',
      code: 'listing-too-many-problems',
      message: `More than ${MAX_PROBLEMS} problems: the rest are not listed.`,
    });
  }
}
