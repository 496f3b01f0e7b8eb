#ifndef COMPOSE_COMPILE_ALLOCATOR_SETTINGS_H
#define COMPOSE_COMPILE_ALLOCATOR_SETTINGS_H

/// The options compose-compile gives jemalloc (see allocator_settings.c); `MALLOC_CONF` in the
/// environment still overrides them.
extern const char *malloc_conf;

#endif
