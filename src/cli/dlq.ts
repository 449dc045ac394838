/** `spec dlq list|show|retry|skip`: the dead-letter queues, worked like the exception queues. */
import { issueCommand } from "./exceptions.ts";

export const dlqCommand = issueCommand("dlq", "dead-letter", "Work the dead-letter queues: list, show, retry, skip with a reason");
