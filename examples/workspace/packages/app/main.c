#include <stdio.h>
int main(void) { puts("hello from app"); return 0; }
