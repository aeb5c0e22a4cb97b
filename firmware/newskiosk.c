/* newskiosk: the kiosk firmware. Everything lives in the modules; see app.h. */
#include "app.h"

int
main(int argc, char **argv)
{
    return app_main(argc, argv);
}
