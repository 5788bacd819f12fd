#ifndef KOMMUNALCAMPUS_CHARFBUZZ_SHIM_H
#define KOMMUNALCAMPUS_CHARFBUZZ_SHIM_H

#include <hb.h>
#include <hb-subset.h>
#include <hb-ot.h>

#endif
