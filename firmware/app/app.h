/* The kiosk program: options and config file, the boot loader hand-off, the
 * event loop and the headless modes. newskiosk.c only calls app_main. */
#ifndef NK_APP_H
#define NK_APP_H

/* Runs the kiosk with argv; returns the process exit code:
 * 0 success, 1 failure (a message was printed), 2 usage error. */
int app_main(int argc, char **argv);

#endif
