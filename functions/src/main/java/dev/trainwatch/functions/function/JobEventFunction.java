package dev.trainwatch.functions.function;

import dev.trainwatch.functions.executor.KubernetesJobFactory;
import dev.trainwatch.functions.service.StatusSweepService;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.quarkus.logging.Log;

/**
 * Takes Knative ApiServerSource events for Jobs in the training namespace (Resource mode: the data
 * is the Job) and checks the named job at once, so a status does not wait for the next sweep. Jobs
 * without Trainwatch's label are ignored. A deleted Job reads as cancelled. The sweep stays the
 * safety net for events that never arrive.
 */
public class JobEventFunction {

  private final StatusSweepService sweep;

  public JobEventFunction(StatusSweepService sweep) {
    this.sweep = sweep;
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.add")
  public void jobAdded(Job job) {
    check(job);
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.update")
  public void jobUpdated(Job job) {
    check(job);
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.delete")
  public void jobDeleted(Job job) {
    check(job);
  }

  private void check(Job job) {
    String id =
        job == null || job.getMetadata() == null || job.getMetadata().getLabels() == null
            ? null
            : job.getMetadata().getLabels().get(KubernetesJobFactory.JOB_ID_LABEL);
    if (id == null || !id.matches("[1-9][0-9]{0,18}")) {
      Log.debugf("Job event for a Job without a Trainwatch job id; ignored");
      return;
    }
    sweep.sweepOne(Long.parseLong(id));
  }
}
