#include "kordon.h"
#include <stdio.h>
int main(void) { puts("kordon"); return 0; }
