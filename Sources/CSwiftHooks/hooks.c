#include "CSwiftHooks.h"

extern void *swift_task_enqueueGlobal_hook;

void **giaoban_swift_enqueue_global_hook(void) {
    return &swift_task_enqueueGlobal_hook;
}
