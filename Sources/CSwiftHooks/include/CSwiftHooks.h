#ifndef CSWIFTHOOKS_H
#define CSWIFTHOOKS_H

/// Where Swift's runtime keeps the hook through which every job for its global executor passes
/// (`swift_task_enqueueGlobal_hook`, null when nothing is installed). Found by the linker, not by
/// name at run time: a statically linked runtime hides the symbol from `dlsym`.
void *_Nullable *_Nonnull giaoban_swift_enqueue_global_hook(void);

#endif
