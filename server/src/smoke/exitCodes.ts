// Exit statuses of a smoke run, shared by the runner process and the CLI.

import type { SmokeReport } from '../protocol/smokeReport.ts';

export function exitCodeOf(report: SmokeReport, signal?: 'SIGTERM' | 'SIGINT'): number {
  switch (report.status) {
    case 'completed':
      return 0;
    case 'non-finite':
      return 1; // the run itself worked; the config diverges
    case 'error':
      return 2;
    case 'cancelled':
      return signal === 'SIGINT' ? 130 : 143;
  }
}
