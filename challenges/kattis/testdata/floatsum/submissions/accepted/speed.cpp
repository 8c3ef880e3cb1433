#include <cstdio>
int main() {
    int n;
    double d = 0, t = 0, a, b;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < n; i++) { scanf("%lf %lf", &a, &b); d += a; t += b; }
    printf("%.9f\n", d / t);
}
