package dev.trainwatch.functions.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * One page of the job list.
 *
 * @param jobs the jobs, newest first
 * @param page the page number, from 0
 * @param size the page size asked for
 * @param total how many jobs match the filters in all
 */
@RegisterForReflection
public record JobListView(List<JobView> jobs, int page, int size, long total) {}
