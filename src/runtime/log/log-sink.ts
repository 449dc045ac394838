/**
 * Where log lines go without ever holding up the runtime: lines are handed to the destination
 * as fast as it takes them; while it pushes back (a full pipe, a slow collector) they wait in a
 * bounded buffer, and past its bound the newest are dropped and counted. When the destination
 * takes lines again, the first line written says how many were dropped. Logging is never a
 * reason for intake, processing or a delivery to wait.
 */

/** The destination: returns false when it wants the writer to wait for its `drain`. */
export interface LogDestination {
  write(text: string): boolean;
  once(event: "drain", listener: () => void): unknown;
}

/** A non-blocking sink of log lines. */
export interface LogSink {
  write(line: string): void;
  /** Lines dropped since the sink was created because the destination did not keep up. */
  readonly dropped: number;
  /** Lines waiting for the destination. */
  readonly buffered: number;
}

/** The default bound of the buffer: about 4 MB of lines. */
export const LOG_BUFFER_BYTES = 4 * 1024 * 1024;

/** A sink writing to `destination`, buffering at most `maxBytes` while it pushes back. */
export function createLogSink(destination: LogDestination, maxBytes = LOG_BUFFER_BYTES): LogSink {
  const waiting: string[] = [];
  let waitingBytes = 0;
  let blocked = false;
  let dropped = 0;
  let droppedUnreported = 0;
  const send = (text: string) => {
    if (!destination.write(text)) {
      blocked = true;
      destination.once("drain", flush);
    }
  };
  function flush(): void {
    blocked = false;
    if (droppedUnreported > 0) {
      const note = JSON.stringify({ level: "warn", time: new Date().toISOString(), event: "log.dropped", dropped: droppedUnreported, msg: `${droppedUnreported} log lines were dropped: the log destination did not keep up` });
      droppedUnreported = 0;
      send(`${note}\n`);
    }
    while (!blocked && waiting.length > 0) {
      const next = waiting.shift() as string;
      waitingBytes -= next.length;
      send(next);
    }
  }
  return {
    write(line) {
      if (!blocked) {
        send(line);
        return;
      }
      if (waitingBytes + line.length > maxBytes) {
        dropped += 1;
        droppedUnreported += 1;
        return;
      }
      waiting.push(line);
      waitingBytes += line.length;
    },
    get dropped() {
      return dropped;
    },
    get buffered() {
      return waiting.length;
    },
  };
}
