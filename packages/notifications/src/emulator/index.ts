// @exroute/notifications/emulator: a loopback OpenText Notifications emulator for tests and demos.

export { startEmulator } from './emulator.js';
export type {
  EmulatorOptions,
  NotificationsEmulator,
  ReceivedRequest,
  EmulatedJob,
  ScriptedResponse,
  EmulatorScript,
  EmulatorStats,
} from './emulator.js';
export { validateSubmission } from './validate-submission.js';
export type { SubmissionProblem } from './validate-submission.js';
