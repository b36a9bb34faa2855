/*
 * Copyright (c) 2026 The OVS-COLO authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* The QEMU system tests' workaround for a deadlock of QEMU 7.2's COLO
 * under TCG, loaded into both QEMUs with LD_PRELOAD.  Test bed only: KVM
 * does not take this path, and OVS-COLO does not depend on it.
 *
 * The bug: a COLO checkpoint saves the guest's RAM from the migration
 * thread without QEMU's global lock.  Under TCG the dirty log's sync then
 * waits for the vCPU to finish its translation block (run_on_cpu()):
 *
 *   - it waits on a condition variable whose mutex is the global lock,
 *     which it does not hold: glibc "unlocks" a mutex another thread may
 *     hold and, on waking, locks it for a thread that does not know it
 *     holds it, and QEMU deadlocks at its next attempt to take it;
 *
 *   - it queues the work and wakes the vCPU thread without the global
 *     lock, which that thread holds between finding no work and going to
 *     sleep on its condition variable: the wakeup can fall in between and
 *     be lost, and the vCPU of a stopped guest then sleeps for good, the
 *     migration thread waiting for it (PVM stopped, QMP still answering).
 *
 * Without a workaround, each of 4 runs here (-accel tcg, also with
 * thread=single or -icount) stopped within its first 7 checkpoints; with
 * the first half of the workaround alone, a run passed 40 and the next
 * stopped later, on the lost wakeup.  The workaround, in
 * pthread_cond_wait():
 *
 *   - a caller that does not hold the mutex gets it around the wait, as
 *     it should have held it;
 *   - no wait lasts more than 10 ms: a lost wakeup costs that long, not
 *     forever.  A wait may always end early (a spurious wakeup), so every
 *     caller waits in a loop on its condition: QEMU's do.
 *
 * Not for a QEMU started with -daemonize: its forked process holds the
 * locks taken before the fork under its parent's thread id, which this
 * would take for another thread's. */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

int
pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    /* glibc records the owner's thread id in every kind of mutex. */
    bool held = mutex->__data.__owner == gettid();
    struct timespec deadline;
    int error;

    if (!held) {
        pthread_mutex_lock(mutex);
    }
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 10 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000 * 1000 * 1000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000 * 1000 * 1000;
    }
    error = pthread_cond_clockwait(cond, mutex, CLOCK_MONOTONIC, &deadline);
    if (error == ETIMEDOUT) {
        error = 0;
    }
    if (!held) {
        pthread_mutex_unlock(mutex);
    }
    return error;
}
