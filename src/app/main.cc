#include "app/commands.h"

int main(int argc, char** argv) {
  return decnet::app::run_cli(argc, argv);
}
