// Private module: the coordinator's side of a swarm's JetStream work queue
// (see swarm.ts and _swarm_jobs.ts): the stream and the workers' durable
// consumer are created when absent, jobs are published with JetStream's
// acknowledgement, and what is left of a swarm's jobs is purged at its end.

import type { NatsConnection } from "npm:@nats-io/transport-node@3.3.0";
import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "npm:@nats-io/jetstream@3.3.0";
import { encode } from "./_distributed_protocol.ts";
import {
  ACK_WAIT_SECONDS,
  SWARM_CONSUMER,
  SWARM_STREAM,
  type SwarmJob,
  swarmSubjects,
} from "./_swarm_jobs.ts";

/** Creates the stream and the workers' consumer when they do not exist. */
export async function ensureQueue(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(SWARM_STREAM);
  } catch {
    await jsm.streams.add({
      name: SWARM_STREAM,
      subjects: ["ipcspec.swarm.jobs.>"],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.Memory,
    });
  }
  try {
    await jsm.consumers.info(SWARM_STREAM, SWARM_CONSUMER);
  } catch {
    await jsm.consumers.add(SWARM_STREAM, {
      durable_name: SWARM_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ACK_WAIT_SECONDS * 1e9,
      max_deliver: 5,
      filter_subject: "ipcspec.swarm.jobs.>",
    });
  }
}

/** Publishes the jobs of a swarm (each acknowledged by the stream). */
export async function publishJobs(nc: NatsConnection, jobs: readonly SwarmJob[]): Promise<void> {
  const js = jetstream(nc);
  for (const job of jobs) await js.publish(swarmSubjects(job.run).jobs, encode(job));
}

/** Removes the jobs of swarm `run` no worker took, and tells running ones to stop. */
export async function endSwarm(nc: NatsConnection, run: string): Promise<void> {
  const subjects = swarmSubjects(run);
  nc.publish(subjects.cancel, encode({ t: "cancel" }));
  const jsm = await jetstreamManager(nc);
  await jsm.streams.purge(SWARM_STREAM, { filter: subjects.jobs }).catch(() => {});
  await nc.flush();
}
