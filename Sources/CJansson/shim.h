#include <jansson.h>

/* jansson's reference counting and flag helpers are macros or static inline
   functions; these wrappers give Swift callable symbols. */
static inline void cjansson_decref(json_t *value) { json_decref(value); }
static inline size_t cjansson_indent(int spaces) { return JSON_INDENT(spaces); }
static inline int cjansson_is_object(const json_t *v) { return json_is_object(v); }
static inline int cjansson_is_array(const json_t *v) { return json_is_array(v); }
static inline int cjansson_is_string(const json_t *v) { return json_is_string(v); }
static inline int cjansson_is_integer(const json_t *v) { return json_is_integer(v); }
static inline int cjansson_is_real(const json_t *v) { return json_is_real(v); }
static inline int cjansson_is_true(const json_t *v) { return json_is_true(v); }
static inline int cjansson_is_false(const json_t *v) { return json_is_false(v); }
static inline int cjansson_is_null(const json_t *v) { return json_is_null(v); }
static inline size_t cjansson_real_precision(int digits) { return JSON_REAL_PRECISION(digits); }
