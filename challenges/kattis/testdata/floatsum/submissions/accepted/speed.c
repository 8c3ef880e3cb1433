#include <stdio.h>
int main(void) {
    int n;
    double d = 0, t = 0, a, b;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < n; i++) { if (scanf("%lf %lf", &a, &b) != 2) return 1; d += a; t += b; }
    printf("%.9f\n", d / t);
    return 0;
}
