/* Placeholders while config.c, headless.c and loop.c are written (issue 5,
 * issue 2). Each helper deletes the stub it replaces. */
#include <stdio.h>

#include "app_internal.h"
