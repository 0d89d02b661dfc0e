// The public header must compile as C++ (extern "C", no C-only constructs).
#include "mxio.h"
int mxio_header_cxx_probe() { return MXIO_OK + (int)sizeof(mxio_error); }
