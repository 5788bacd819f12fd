#ifndef KOMMUNALCAMPUS_CZLIB_SHIM_H
#define KOMMUNALCAMPUS_CZLIB_SHIM_H

#include <zlib.h>

#endif
