// Memory prefetch hints, which Swift has no spelling for. Header-only: nothing to link.
#ifndef QAMTU_PREFETCH_H
#define QAMTU_PREFETCH_H

/// Asks the processor to start loading the cache line at `address` for reading; it never faults
/// and changes nothing but timing. Loops that visit memory in an order known in advance (records
/// of a permutation) issue it some elements ahead, so that the loads overlap.
static inline void qamtu_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
