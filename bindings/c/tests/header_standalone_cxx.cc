// header_standalone.c compiled as C++11: it links against libvrrp.so only if vrrp.h's
// extern "C" guard keeps the names unmangled.
#include "header_standalone.c"
