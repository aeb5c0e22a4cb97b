/* newsbundle: the publisher's and operator's edition tool (pack, verify,
 * inspect, install, sign, keygen). Being written: see issue 3. */
#include <stdio.h>

int
main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "newsbundle: not built yet\n");
    return 2;
}
