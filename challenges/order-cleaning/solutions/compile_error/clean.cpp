// A C++ attempt that does not compile: a missing semicolon and an
// undeclared name.
#include <iostream>
#include <string>

int main() {
    std::string line
    std::getline(std::cin, line);
    std::cout << cleaned << "\n";
}
