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

/* Held packets (colo-held.h): their allocation, their end, and how they
 * leave. */

#include <config.h>
#include "colo/colo-held.h"

#include "colo/colo-release.h"
#include "colo/colo-types.h"
#include "coverage.h"
#include "dp-packet.h"
#include "flow.h"
#include "ovs-thread.h"
#include "util.h"

COVERAGE_DEFINE(colo_held_copied);

/* A colo_held comes and goes with every compared packet.  Each thread keeps
 * up to HELD_CACHE_MAX free ones, kept off malloc, and frees them when it
 * exits. */
#define HELD_CACHE_MAX 512

struct held_cache {
    struct colo_held *head;     /* Linked through 'node.next'. */
    size_t n;
};

/* The thread's cache, found fast through thread-local storage; the key
 * only frees it when the thread exits. */
DEFINE_STATIC_PER_THREAD_DATA(struct held_cache *, held_cache_tls, NULL);
static ovsthread_key_t held_cache_key;

static struct colo_held *
held_cache_pop(struct held_cache *cache)
{
    struct colo_held *held = cache->head;

    cache->n--;
    cache->head = (cache->n
                   ? CONTAINER_OF(held->node.next, struct colo_held, node)
                   : NULL);
    return held;
}

/* Runs in the exiting thread: its thread-local pointer goes too, so that a
 * late colo_held_alloc() there makes a new cache rather than use this
 * one. */
static void
held_cache_destroy(void *cache_)
{
    struct held_cache *cache = cache_;

    while (cache->n) {
        free(held_cache_pop(cache));
    }
    free(cache);
    *held_cache_tls_get() = NULL;
}

static struct held_cache *
held_cache_create(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    struct held_cache *cache;

    if (ovsthread_once_start(&once)) {
        ovsthread_key_create(&held_cache_key, held_cache_destroy);
        ovsthread_once_done(&once);
    }
    cache = xzalloc(sizeof *cache);
    ovsthread_setspecific(held_cache_key, cache);
    return cache;
}

static struct held_cache *
held_cache_get(void)
{
    struct held_cache **cache = held_cache_tls_get();

    if (OVS_UNLIKELY(!*cache)) {
        *cache = held_cache_create();
    }
    return *cache;
}

struct colo_held *
colo_held_alloc(void)
{
    struct held_cache *cache = held_cache_get();

    return cache->n ? held_cache_pop(cache) : xmalloc(sizeof *cache->head);
}

/* Gives 'held' a packet of its own memory, if it has not got one, for it to
 * wait as long as it must without keeping a port's buffer. */
void
colo_held_own(struct colo_held *held)
{
    if (!colo_packet_is_own(held->packet)) {
        struct dp_packet *copy = colo_packet_copy(held->packet);

        dp_packet_delete(held->packet);
        held->packet = copy;
        COVERAGE_INC(colo_held_copied);
    }
    held->borrowed = false;
}

/* Frees 'held' itself, not its packet nor its use of a release. */
static void
colo_held_dealloc(struct colo_held *held)
{
    struct held_cache *cache = held_cache_get();

    if (cache->n >= HELD_CACHE_MAX) {
        free(held);
        return;
    }
    held->node.next = cache->n ? &cache->head->node : NULL;
    cache->head = held;
    cache->n++;
}

void
colo_held_free(struct colo_held *held)
{
    if (held) {
        dp_packet_delete(held->packet);
        colo_release_unuse(held->release);
        colo_held_dealloc(held);
    }
}

void
colo_held_free_list(struct ovs_list *list)
{
    struct colo_held *held;

    LIST_FOR_EACH_POP (held, node, list) {
        colo_held_free(held);
    }
}

static bool
same_batch(const struct colo_held *a, const struct colo_held *b)
{
    return (a->release == b->release
            && colo_packet_key_equals(&a->view.key, &b->view.key));
}

/* Sends each held packet in 'list' on with its release's actions, through
 * datapath 'dp', and frees the list.  Consecutive packets of one connection
 * with the same actions go as one batch; actions that read the flow (ct())
 * see that of the batch's first packet.  Returns the number of packets
 * released. */
size_t
colo_held_send_list(const struct colo_datapath *dp, struct ovs_list *list)
{
    size_t n = 0;

    while (!ovs_list_is_empty(list)) {
        struct colo_held *first = CONTAINER_OF(ovs_list_front(list),
                                               struct colo_held, node);
        struct colo_release *release = first->release;
        struct dp_packet_batch batch;
        struct colo_held *held;
        struct flow flow;

        dp_packet_batch_init(&batch);
        LIST_FOR_EACH_SAFE (held, node, list) {
            if (!same_batch(first, held) || dp_packet_batch_is_full(&batch)) {
                break;
            }
            ovs_list_remove(&held->node);
            dp_packet_batch_add(&batch, held->packet);
            if (held != first) {
                colo_release_unuse(held->release);
                colo_held_dealloc(held);
            }
        }
        n += dp_packet_batch_size(&batch);

        /* Extracting the flow costs as much as comparing a packet: only
         * for actions that read it. */
        if (release->needs_flow) {
            flow_extract(batch.packets[0], &flow);
        }
        dp->execute(dp->aux, &batch, release->needs_flow ? &flow : NULL,
                    (const struct nlattr *) release->actions,
                    release->actions_len);
        colo_release_unuse(release);
        colo_held_dealloc(first);
    }
    return n;
}
