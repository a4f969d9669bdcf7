/**
 * Proxmox worker tasks: UPIDs, `Task`, waiting.
 *
 * @module
 */
export { parseUpid, isUpid, type UpidInfo } from './upid.js';
export { TaskStatusSchema, TaskLogLineSchema, TaskLogSchema, type TaskStatus } from './schemas.js';
export { Task, type LogRange, type FullLogOptions, type CompletedTaskInfo } from './task.js';
export { isTaskSuccess, countWarnings, type WaitOptions, type TaskResult } from './wait.js';
export { pollTaskUntilComplete } from './poll.js';
