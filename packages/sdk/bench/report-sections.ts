// The figures of a run, one section per table, as bench/results/*.json holds them; a part that did not
// run leaves its sections empty.
import type { AckRow } from './ack.bench.js';
import type { EnqueueRow } from './enqueue.bench.js';
import type { ParseRow } from './parse.bench.js';
import type { PipelineRow } from './pipeline.bench.js';
import type { ReplicasRow } from './replicas.bench.js';
import type { ScaleRow } from './scale.bench.js';
import type { ServerPipelineRow, ServerRow } from './server.bench.js';
import type { TracingRow } from './tracing.bench.js';

export interface ReportSections {
  server: ServerRow[];
  serverPipeline: ServerPipelineRow[];
  enqueue: EnqueueRow[];
  acknowledgement: AckRow[];
  scale: ScaleRow[];
  pipeline: PipelineRow[];
  parse: ParseRow[];
  replicas: ReplicasRow[];
  tracing: TracingRow[];
}

/** Every section empty, in the order the report has always written them. */
export const emptySections = (): ReportSections => ({
  server: [],
  serverPipeline: [],
  enqueue: [],
  acknowledgement: [],
  scale: [],
  pipeline: [],
  parse: [],
  replicas: [],
  tracing: [],
});
