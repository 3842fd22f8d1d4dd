/*
 * Replays a trace of the meter journal's storage operations (year-bench flash-wear --trace) against the real
 * LittleFS on a RAM block device configured as nanoFramework configures the ESP32 I: drive, and counts the block
 * erases: per day, per block, and what they mean for the flash's life. A measurement, not a test: it needs a
 * littlefs checkout that is not part of this repository (bench/flashwear/littlefs-replay.sh builds it).
 *
 * Each journal operation is replayed as the call sequence the device makes for it, from the top:
 *
 *   LittleFsStorage.Write(name)  (firmware/Device/LittleFsStorage.cs: temp file, close, delete, rename)
 *     new FileStream(name.tmp, FileMode.Create)  nanoFramework FileStream.CreateFile -> NativeFileStream ->
 *                                                nf-interpreter LITTLEFS_FS_Driver::Open: stat, then fopen "w+"
 *                                                ("r+" and SetLength(0) if name.tmp exists) -> esp_littlefs
 *                                                vfs_littlefs_open: lfs_file_opencfg(O_RDWR|O_CREAT|O_TRUNC, one
 *                                                8-byte mtime attribute), then esp_littlefs_file_sync (the mtime
 *                                                attribute makes every file opened for writing dirty, so this
 *                                                commits)
 *     stream.Write(buffer)                       LITTLEFS_FS_Driver::Write: fwrite + fflush -> lfs_file_write
 *     Dispose                                    LITTLEFS_FS_Driver::Close: fclose -> lfs_file_close (commits)
 *     File.Delete(name)                          stat; if present LITTLEFS_FS_Driver::Delete: stat, unlink ->
 *                                                vfs_littlefs_unlink: lfs_stat, lfs_remove
 *     File.Move(name.tmp, name)                  stat both; LITTLEFS_FS_Driver::Move: rename -> lfs_rename
 *   LittleFsStorage.Read(name)                   File.Exists; FileStream(FileMode.Open) -> Open: stat, fopen
 *                                                "r+" (the driver opens every existing file read-write) ->
 *                                                lfs_file_opencfg(O_RDWR) and esp_littlefs_file_sync (commits
 *                                                the mtime attribute); fread; fclose (nothing left to commit)
 *   LittleFsStorage.Delete(name)                 as File.Delete above
 *   LittleFsStorage.List()                       Directory.GetFiles: opendir/readdir/stat (reads only)
 *
 * The stats that only decide nothing are left out (they read, they never program or erase).
 *
 * Usage: replay [options] TRACE
 *   --blocks N          blocks of 4,096 bytes in the partition (default 512: the 2 MiB I: drive of nanoFramework's
 *                       8 MB ESP32 partition table, which the journal needs; the 256 KiB of a 4 MB ESP32, 64 blocks,
 *                       cannot hold its full retention of about 111 blocks)
 *   --block-cycles N    LittleFS block_cycles (default 512, esp_littlefs CONFIG_LITTLEFS_BLOCK_CYCLES)
 *   --steady-from DAY   first day of the measured window (default 1: day 0 is warm-up)
 *   --cycles N          erase cycles a block is good for (default 100000)
 *   --root-file NAME:B  a file of B bytes written once in the root before the journal starts (repeatable;
 *                       default meter.conf:1024, wifi.conf:256, ca.pem:2048)
 *   --dir NAME          the journal's directory (default journal, as I:\journal)
 *   --retained-segments N      sealed segments already in the journal when the trace starts (default 83)
 *   --retained-event-files N   event files (two copies each) already there (default 7)
 *   --in-place          replay each write as an in-place rewrite (FileStream(name, FileMode.Create): "r+" open
 *                       and sync, SetLength(0), write, close) instead of LittleFsStorage's temp file and rename:
 *                       what the device would cost if LittleFsStorage relied on LittleFS's atomic close
 *   --checkpoint-dir NAME   keep ck.a/ck.b in a directory of their own (created beside the journal's), so that
 *                       their metadata pair holds nothing else: what that layout would cost
 *
 * The retained history: a trace starts from an empty journal, but a meter in service holds its full retention
 * (docs/firmware.md, "Retention and the drop rule"): 84 segments, the open one in two copies, and 8 event files in
 * two copies. So before the trace, the replay writes that many stand-in files of the largest size (3,636 and 3,860
 * bytes), and whenever the trace starts a new segment or event file it deletes the oldest stand-in, as the journal
 * drops its oldest. The directory then has the size, and the partition the free space, of a meter in service from
 * the first day of the trace. Stand-ins are named s100000.a, e100000.a/.b and up, which no trace of a meter that
 * started in 2027 uses (its segment numbers are near 148,000, its event file numbers small).
 */

#include "lfs.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK_SIZE 4096
#define MAX_DAYS 4096
#define MAX_ROOT_FILES 16
#define FILE_BUFFER 8192
#define SEGMENT_BYTES 3636    /* PeriodSegment.MaximumLength */
#define EVENT_FILE_BYTES 3860 /* EventFile.MaximumLength */
#define STAND_IN_FIRST 100000

/* esp_littlefs v1.20.4 src/esp_littlefs.c: ESP_LITTLEFS_ATTR_MTIME; time_t is 64-bit in ESP-IDF 5. */
#define ATTR_MTIME ((uint8_t)'t')

enum kind { KIND_CHECKPOINT, KIND_SEGMENT, KIND_EVENT, KIND_CALIBRATION, KIND_OTHER, KINDS };
static const char *kind_names[KINDS] = { "checkpoint", "segment", "event", "calibration", "other" };

/* The RAM block device: NOR flash semantics (erase to 0xFF, programming only clears bits) and counters. */
static uint8_t *flash;
static uint32_t block_count;
static uint64_t *erases;          /* per block, whole run */
static uint64_t *erases_at_window; /* per block, at the start of the measured window */
static uint64_t erase_total, prog_bytes, read_bytes, prog_violations;
static enum kind current_kind = KIND_OTHER;
static uint64_t erases_by_kind[KINDS];
static uint64_t ops_by_kind[KINDS];

static int bd_read(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, void *buffer, lfs_size_t size)
{
    (void)c;
    memcpy(buffer, flash + (size_t)block * BLOCK_SIZE + off, size);
    read_bytes += size;
    return 0;
}

static int bd_prog(const struct lfs_config *c, lfs_block_t block, lfs_off_t off, const void *buffer, lfs_size_t size)
{
    (void)c;
    uint8_t *to = flash + (size_t)block * BLOCK_SIZE + off;
    const uint8_t *from = buffer;
    for (lfs_size_t i = 0; i < size; i++) {
        /* NOR flash can only clear bits; littlefs must never program over data it has not erased. */
        if ((to[i] & from[i]) != from[i]) {
            prog_violations++;
        }
        to[i] &= from[i];
    }
    prog_bytes += size;
    return 0;
}

static int bd_erase(const struct lfs_config *c, lfs_block_t block)
{
    (void)c;
    memset(flash + (size_t)block * BLOCK_SIZE, 0xFF, BLOCK_SIZE);
    erases[block]++;
    erase_total++;
    erases_by_kind[current_kind]++;
    return 0;
}

static int bd_sync(const struct lfs_config *c)
{
    (void)c;
    return 0;
}

static lfs_t lfs;
static struct lfs_config cfg;
static uint8_t file_cache[512];
static int64_t mtime;
static struct lfs_attr mtime_attr = { ATTR_MTIME, &mtime, sizeof(mtime) };
static struct lfs_file_config file_cfg = { .buffer = file_cache, .attrs = &mtime_attr, .attr_count = 1 };
static uint8_t payload[FILE_BUFFER];
static char journal_dir[64] = "journal";
static char checkpoint_dir[64] = "";
static long line_number;

/* The retained history's stand-ins still present: numbers [next_drop, end), and the newest file the trace started. */
static long segment_drop = STAND_IN_FIRST, segment_end = STAND_IN_FIRST;
static long event_drop = STAND_IN_FIRST, event_end = STAND_IN_FIRST;
static long newest_segment = -1, newest_event = -1;
static uint64_t stand_ins_dropped;
static int in_place;

static void fail(const char *what, const char *path, int err)
{
    fprintf(stderr, "replay: trace line %ld: %s %s failed: %d%s\n", line_number, what, path, err,
        err == LFS_ERR_NOSPC ? " (no space left: the journal does not fit in this partition)" : "");
    exit(1);
}

static void check(int err, const char *what, const char *path)
{
    if (err < 0) {
        fail(what, path, err);
    }
}

static enum kind kind_of(const char *name);

/* Where a journal file lives: the journal's directory, or the checkpoint directory for ck.* with --checkpoint-dir. */
static void journal_path(char *path, size_t size, const char *name)
{
    const char *dir = checkpoint_dir[0] && kind_of(name) == KIND_CHECKPOINT ? checkpoint_dir : journal_dir;
    snprintf(path, size, "/%s/%s", dir, name);
}

static enum kind kind_of(const char *name)
{
    if (strncmp(name, "ck.", 3) == 0) {
        return KIND_CHECKPOINT;
    }
    if (strncmp(name, "cal.", 4) == 0) {
        return KIND_CALIBRATION;
    }
    if (name[0] != '\0' && name[1] >= '0' && name[1] <= '9') {
        return name[0] == 's' ? KIND_SEGMENT : name[0] == 'e' ? KIND_EVENT : KIND_OTHER;
    }
    return KIND_OTHER;
}

static int exists(const char *path)
{
    struct lfs_info info;
    int err = lfs_stat(&lfs, path, &info);
    if (err == LFS_ERR_NOENT) {
        return 0;
    }
    check(err, "stat", path);
    return 1;
}

/* LITTLEFS_FS_Driver::Open + esp_littlefs vfs_littlefs_open: "r+" if the file exists, else "w+"; then the sync. */
static void open_as_device(lfs_file_t *file, const char *path, int *existed)
{
    *existed = exists(path);
    int flags = *existed ? LFS_O_RDWR : (LFS_O_RDWR | LFS_O_CREAT | LFS_O_TRUNC);
    mtime++;
    check(lfs_file_opencfg(&lfs, file, path, flags, &file_cfg), "open", path);
    mtime++;
    check(lfs_file_sync(&lfs, file), "sync after open", path);
}

static void close_as_device(lfs_file_t *file, const char *path)
{
    mtime++;
    check(lfs_file_close(&lfs, file), "close", path);
}

/* nanoFramework File.Delete: a no-op when the file is missing; else the driver's stat + unlink. */
static void delete_as_device(const char *path)
{
    if (exists(path)) {
        check(lfs_remove(&lfs, path), "remove", path);
    }
}

/* LittleFsStorage.Write: name.tmp created, written and closed; name deleted; name.tmp renamed to name. */
static void replay_write(const char *name, long bytes)
{
    char path[600];
    char temporary[610];
    lfs_file_t file;
    int existed;
    if (bytes < 0 || bytes > FILE_BUFFER) {
        fprintf(stderr, "replay: trace line %ld: size %ld out of range\n", line_number, bytes);
        exit(1);
    }
    journal_path(path, sizeof path, name);
    snprintf(temporary, sizeof temporary, "%s.tmp", path);
    if (in_place) {
        /* The alternative: the file itself opened as FileMode.Create does it, the old content kept by LittleFS
           until the close commits the new one. */
        strcpy(temporary, path);
    }

    open_as_device(&file, temporary, &existed);
    if (existed) {
        /* FileMode.Create on an existing file: NativeFileStream.SetLength(0) -> ftruncate. */
        check(lfs_file_truncate(&lfs, &file, 0), "truncate", temporary);
    }
    /* The bytes themselves do not change the wear; a pattern that differs between writes is closest to a journal. */
    for (long i = 0; i < bytes; i++) {
        payload[i] = (uint8_t)(i * 31 + line_number);
    }
    lfs_ssize_t written = lfs_file_write(&lfs, &file, payload, (lfs_size_t)bytes);
    if (written != bytes) {
        fail("write", temporary, (int)written);
    }
    close_as_device(&file, temporary);
    if (!in_place) {
        delete_as_device(path);
        check(lfs_rename(&lfs, temporary, path), "rename", temporary);
    }
}

/* LittleFsStorage.Read: File.Exists, then a read-write open (commits the mtime attribute), read, close. */
static void replay_read(const char *name)
{
    char path[600];
    lfs_file_t file;
    int existed;
    journal_path(path, sizeof path, name);
    if (!exists(path)) {
        return;
    }
    open_as_device(&file, path, &existed);
    lfs_ssize_t got;
    do {
        got = lfs_file_read(&lfs, &file, payload, sizeof payload);
        check((int)got, "read", path);
    } while (got > 0);
    close_as_device(&file, path);
}

static void replay_list(void)
{
    char path[600];
    lfs_dir_t dir;
    struct lfs_info info;
    snprintf(path, sizeof path, "/%s", journal_dir);
    check(lfs_dir_open(&lfs, &dir, path), "opendir", path);
    int got;
    while ((got = lfs_dir_read(&lfs, &dir, &info)) > 0) {
    }
    check(got, "readdir", path);
    check(lfs_dir_close(&lfs, &dir), "closedir", path);
}

static void write_stand_in(char kind, long number, char copy, long bytes)
{
    char name[32];
    snprintf(name, sizeof name, "%c%ld.%c", kind, number, copy);
    replay_write(name, bytes);
}

static void delete_stand_in(char kind, long number, char copy)
{
    char path[600];
    snprintf(path, sizeof path, "/%s/%c%ld.%c", journal_dir, kind, number, copy);
    delete_as_device(path);
}

/* A trace write that starts a new segment or event file makes the journal drop its oldest: drop a stand-in. */
static void drop_for_new_file(enum kind kind, const char *name)
{
    long number = strtol(name + 1, NULL, 10);
    if (kind == KIND_SEGMENT) {
        if (number > newest_segment) {
            if (newest_segment >= 0 && segment_drop < segment_end) {
                delete_stand_in('s', segment_drop++, 'a');
                stand_ins_dropped++;
            }
            newest_segment = number;
        }
    } else if (kind == KIND_EVENT) {
        if (number > newest_event) {
            if (newest_event >= 0 && event_drop < event_end) {
                delete_stand_in('e', event_drop, 'a');
                delete_stand_in('e', event_drop++, 'b');
                stand_ins_dropped++;
            }
            newest_event = number;
        }
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: replay [--blocks N] [--block-cycles N] [--steady-from DAY] [--cycles N] [--root-file NAME:BYTES]... [--dir NAME]\n"
                    "              [--retained-segments N] [--retained-event-files N] [--in-place] [--checkpoint-dir NAME] TRACE\n");
    exit(2);
}

int main(int argc, char **argv)
{
    long blocks = 512;
    long block_cycles = 512;
    long steady_from = 1;
    double cycles = 100000;
    const char *trace_path = NULL;
    char *root_names[MAX_ROOT_FILES];
    long root_bytes[MAX_ROOT_FILES];
    int root_files = 0;
    int root_given = 0;
    long retained_segments = 83;
    long retained_event_files = 7;

    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--blocks") == 0 && value) {
            blocks = strtol(value, NULL, 10);
            i++;
        } else if (strcmp(argv[i], "--block-cycles") == 0 && value) {
            block_cycles = strtol(value, NULL, 10);
            i++;
        } else if (strcmp(argv[i], "--steady-from") == 0 && value) {
            steady_from = strtol(value, NULL, 10);
            i++;
        } else if (strcmp(argv[i], "--cycles") == 0 && value) {
            cycles = strtod(value, NULL);
            i++;
        } else if (strcmp(argv[i], "--retained-segments") == 0 && value) {
            retained_segments = strtol(value, NULL, 10);
            i++;
        } else if (strcmp(argv[i], "--retained-event-files") == 0 && value) {
            retained_event_files = strtol(value, NULL, 10);
            i++;
        } else if (strcmp(argv[i], "--in-place") == 0) {
            in_place = 1;
        } else if (strcmp(argv[i], "--checkpoint-dir") == 0 && value && strlen(value) < sizeof checkpoint_dir) {
            strcpy(checkpoint_dir, value);
            i++;
        } else if (strcmp(argv[i], "--dir") == 0 && value && strlen(value) < sizeof journal_dir) {
            strcpy(journal_dir, value);
            i++;
        } else if (strcmp(argv[i], "--root-file") == 0 && value && root_files < MAX_ROOT_FILES) {
            char *colon = strchr(value, ':');
            if (!colon) {
                usage();
            }
            root_given = 1;
            root_names[root_files] = strndup(value, (size_t)(colon - value));
            root_bytes[root_files++] = strtol(colon + 1, NULL, 10);
            i++;
        } else if (argv[i][0] != '-' && !trace_path) {
            trace_path = argv[i];
        } else {
            usage();
        }
    }
    if (!trace_path || blocks < 8 || steady_from < 0 || retained_segments < 0 || retained_event_files < 0) {
        usage();
    }
    if (!root_given) {
        /* The meter's own files beside the journal (firmware/Device/DevicePaths.cs); sizes are typical, not exact. */
        root_names[0] = "meter.conf"; root_bytes[0] = 1024;
        root_names[1] = "wifi.conf"; root_bytes[1] = 256;
        root_names[2] = "ca.pem"; root_bytes[2] = 2048;
        root_files = 3;
    }

    FILE *trace = fopen(trace_path, "r");
    if (!trace) {
        fprintf(stderr, "replay: cannot open %s: %s\n", trace_path, strerror(errno));
        return 1;
    }

    block_count = (uint32_t)blocks;
    flash = malloc((size_t)block_count * BLOCK_SIZE);
    erases = calloc(block_count, sizeof *erases);
    erases_at_window = calloc(block_count, sizeof *erases_at_window);
    memset(flash, 0xFF, (size_t)block_count * BLOCK_SIZE);

    /*
     * esp_littlefs v1.20.4 esp_littlefs_init with the Kconfig defaults (nf-interpreter's sdkconfig.default sets
     * none of these): read/prog 128 (CONFIG_LITTLEFS_READ_SIZE/WRITE_SIZE), block 4096 (CONFIG_LITTLEFS_BLOCK_SIZE,
     * fixed), cache 512, lookahead 128, block_cycles 512; name_max, attr_max, inline_max, metadata_max and
     * compact_thresh left at 0, so littlefs uses LFS_NAME_MAX 255, LFS_ATTR_MAX 1022, inline_max
     * min(cache 512, attr_max 1022, block/8 512) = 512, metadata_max = block size.
     */
    cfg.read = bd_read;
    cfg.prog = bd_prog;
    cfg.erase = bd_erase;
    cfg.sync = bd_sync;
    cfg.read_size = 128;
    cfg.prog_size = 128;
    cfg.block_size = BLOCK_SIZE;
    cfg.block_count = block_count;
    cfg.block_cycles = (int32_t)block_cycles;
    cfg.cache_size = 512;
    cfg.lookahead_size = 128;

    check(lfs_format(&lfs, &cfg), "format", "/");
    check(lfs_mount(&lfs, &cfg), "mount", "/");
    for (int i = 0; i < root_files; i++) {
        char path[600];
        lfs_file_t file;
        int existed;
        snprintf(path, sizeof path, "/%s", root_names[i]);
        open_as_device(&file, path, &existed);
        memset(payload, 'c', sizeof payload);
        if (lfs_file_write(&lfs, &file, payload, (lfs_size_t)root_bytes[i]) != root_bytes[i]) {
            fail("write", path, LFS_ERR_IO);
        }
        close_as_device(&file, path);
    }
    {
        /* LittleFsStorage's constructor: Directory.CreateDirectory(I:\journal). */
        char path[600];
        snprintf(path, sizeof path, "/%s", journal_dir);
        check(lfs_mkdir(&lfs, path), "mkdir", path);
        if (checkpoint_dir[0]) {
            snprintf(path, sizeof path, "/%s", checkpoint_dir);
            check(lfs_mkdir(&lfs, path), "mkdir", path);
        }
    }
    for (long i = 0; i < retained_segments; i++) {
        write_stand_in('s', segment_end++, 'a', SEGMENT_BYTES);
    }
    for (long i = 0; i < retained_event_files; i++) {
        write_stand_in('e', event_end, 'a', EVENT_FILE_BYTES);
        write_stand_in('e', event_end++, 'b', EVENT_FILE_BYTES);
    }
    uint64_t erases_before_trace = erase_total;

    static uint64_t day_erases[MAX_DAYS];
    uint64_t erase_at_day_start = erase_total;
    long day = -1;
    long last_day = -1;
    int window_open = 0;
    uint64_t window_erase_start = 0;
    uint64_t window_prog_start = 0;
    uint64_t window_ops[KINDS] = { 0 };
    uint64_t window_kind_erases[KINDS] = { 0 };
    uint64_t ops = 0, writes = 0, reads = 0, deletes = 0, lists = 0;
    char line[512];
    clock_t started = clock();

    while (fgets(line, sizeof line, trace)) {
        line_number++;
        size_t length = strlen(line);
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) {
            line[--length] = '\0';
        }
        if (length == 0) {
            continue;
        }
        if (line[0] == '#') {
            printf("trace: %s\n", line + 2);
            continue;
        }
        if (strncmp(line, "day ", 4) == 0) {
            long next = strtol(line + 4, NULL, 10);
            if (day >= 0 && day < MAX_DAYS) {
                day_erases[day] = erase_total - erase_at_day_start;
            }
            erase_at_day_start = erase_total;
            day = next;
            last_day = day;
            if (day == steady_from && !window_open) {
                window_open = 1;
                window_erase_start = erase_total;
                window_prog_start = prog_bytes;
                memcpy(erases_at_window, erases, block_count * sizeof *erases);
                memcpy(window_kind_erases, erases_by_kind, sizeof window_kind_erases);
            }
            continue;
        }

        char op = line[0];
        char *name = line + 2;
        if (length < 3 && op != 'L') {
            fprintf(stderr, "replay: trace line %ld: cannot read \"%s\"\n", line_number, line);
            return 1;
        }
        char *space = op == 'W' ? strchr(name, ' ') : NULL;
        if (space) {
            *space = '\0';
        }
        current_kind = op == 'L' ? KIND_OTHER : kind_of(name);
        if (window_open) {
            window_ops[current_kind] += op == 'W';
        }
        ops_by_kind[current_kind] += op == 'W';
        switch (op) {
            case 'W':
                if (!space) {
                    fprintf(stderr, "replay: trace line %ld: write without a size\n", line_number);
                    return 1;
                }
                drop_for_new_file(current_kind, name);
                replay_write(name, strtol(space + 1, NULL, 10));
                writes++;
                break;
            case 'R':
                replay_read(name);
                reads++;
                break;
            case 'D': {
                char path[600];
                journal_path(path, sizeof path, name);
                delete_as_device(path);
                deletes++;
                break;
            }
            case 'L':
                replay_list();
                lists++;
                break;
            default:
                fprintf(stderr, "replay: trace line %ld: unknown operation \"%s\"\n", line_number, line);
                return 1;
        }
        current_kind = KIND_OTHER;
        ops++;
    }
    if (day >= 0 && day < MAX_DAYS) {
        day_erases[day] = erase_total - erase_at_day_start;
    }
    fclose(trace);
    double seconds = (double)(clock() - started) / CLOCKS_PER_SEC;

    lfs_ssize_t in_use = lfs_fs_size(&lfs);
    check((int)in_use, "fs_size", "/");

    printf("\nLittleFS %d.%d (on-disk %d.%d), RAM block device: %u blocks x %d bytes = %u KiB; read %u, prog %u, cache %u, lookahead %u,\n",
        LFS_VERSION_MAJOR, LFS_VERSION_MINOR, LFS_DISK_VERSION_MAJOR, LFS_DISK_VERSION_MINOR, block_count, BLOCK_SIZE,
        block_count * BLOCK_SIZE / 1024, cfg.read_size, cfg.prog_size, cfg.cache_size, cfg.lookahead_size);
    printf("block_cycles %d, name_max %u, attr_max %u, inline_max %u; every file opened for writing carries an 8-byte mtime attribute.\n",
        cfg.block_cycles, lfs.name_max, lfs.attr_max, lfs.inline_max);
    printf("Root: ");
    for (int i = 0; i < root_files; i++) {
        printf("%s%s (%ld B)", i ? ", " : "", root_names[i], root_bytes[i]);
    }
    printf("; journal in /%s%s%s; each write %s.\n", journal_dir, checkpoint_dir[0] ? ", checkpoints in /" : "", checkpoint_dir,
        in_place ? "in place (--in-place: open, truncate, write, close)" : "as LittleFsStorage does it (name.tmp written and closed, name deleted, name.tmp renamed)");
    printf("Replayed %llu operations (%llu writes, %llu reads, %llu deletes, %llu listings) over %ld days in %.1f s of processor time.\n",
        (unsigned long long)ops, (unsigned long long)writes, (unsigned long long)reads, (unsigned long long)deletes,
        (unsigned long long)lists, last_day + 1, seconds);
    printf("Retained history before the trace: %ld segments of %d B, %ld event files of %d B in two copies; %llu dropped as the trace started new files.\n",
        retained_segments, SEGMENT_BYTES, retained_event_files, EVENT_FILE_BYTES, (unsigned long long)stand_ins_dropped);
    printf("Erases: %llu in all (%llu formatting, writing the root files and the retained history), %llu during the trace. Programmed %.1f MB, read %.1f MB.\n",
        (unsigned long long)erase_total, (unsigned long long)erases_before_trace, (unsigned long long)(erase_total - erases_before_trace),
        prog_bytes / 1e6, read_bytes / 1e6);
    printf("Blocks in use at the end: %ld of %u (%ld free).\n", (long)in_use, block_count, (long)(block_count - in_use));
    if (prog_violations) {
        printf("WARNING: %llu bytes programmed over unerased flash.\n", (unsigned long long)prog_violations);
    }

    printf("\nErases per day:");
    for (long d = 0; d <= last_day && d < MAX_DAYS; d++) {
        if (d % 10 == 0) {
            printf("\n  day %4ld:", d);
        }
        printf(" %6llu", (unsigned long long)day_erases[d]);
    }
    printf("\n");

    if (!window_open || last_day < steady_from) {
        printf("\nNo measured window: the trace has no day %ld.\n", steady_from);
        return 0;
    }
    long window_days = last_day - steady_from + 1;
    uint64_t window_erases = erase_total - window_erase_start;
    uint64_t max_block = 0;
    uint32_t touched = 0;
    uint32_t hottest = 0;
    for (uint32_t b = 0; b < block_count; b++) {
        uint64_t n = erases[b] - erases_at_window[b];
        if (n > max_block) {
            max_block = n;
            hottest = b;
        }
        touched += n > 0;
    }
    uint32_t hot[5] = { 0 };
    uint64_t max_total = 0;
    for (uint32_t b = 0; b < block_count; b++) {
        if (erases[b] > max_total) {
            max_total = erases[b];
        }
    }
    double per_day = (double)window_erases / window_days;
    double mean_block = (double)window_erases / block_count; /* over every block, static ones included */
    double max_per_day = (double)max_block / window_days;

    printf("\nMeasured window: days %ld to %ld (%ld days).\n", steady_from, last_day, window_days);
    printf("  erases/day                 %.1f (%.0f bytes erased)\n", per_day, per_day * BLOCK_SIZE);
    printf("  bytes programmed/day       %.0f (data, metadata commits and compactions, as LittleFS programs them)\n",
        (double)(prog_bytes - window_prog_start) / window_days);
    printf("  by the file being written  ");
    for (int k = 0; k < KINDS; k++) {
        uint64_t n = erases_by_kind[k] - window_kind_erases[k];
        if (n || window_ops[k]) {
            printf("%s%s %.1f/d over %.1f writes/d (%.3f per write)", k ? "; " : "", kind_names[k], (double)n / window_days,
                (double)window_ops[k] / window_days, window_ops[k] ? (double)n / window_ops[k] : 0.0);
        }
    }
    printf("\n");
    printf("  per block in the window    max %llu (block %u), mean %.1f over all %u blocks; %u blocks erased at least once\n",
        (unsigned long long)max_block, hottest, mean_block, block_count, touched);
    printf("  per block over the run     max %llu; the five hottest in the window:", (unsigned long long)max_total);
    for (int rank = 0; rank < 5; rank++) {
        uint64_t best = 0;
        uint32_t best_block = 0;
        for (uint32_t b = 0; b < block_count; b++) {
            uint64_t n = erases[b] - erases_at_window[b];
            int taken = 0;
            for (int r = 0; r < rank; r++) {
                taken |= hot[r] == b;
            }
            if (!taken && n > best) {
                best = n;
                best_block = b;
            }
        }
        hot[rank] = best_block;
        printf(" %u (%llu)", best_block, (unsigned long long)best);
    }
    printf("\n");
    printf("  lifetime at %.0f cycles    worst block: %.0f d = %.1f y (cycles / the hottest block's erases per day)\n",
        cycles, cycles / max_per_day, cycles / max_per_day / 365.25);
    long free_blocks = (long)block_count - (long)in_use;
    printf("                             free blocks evenly: %.0f d = %.1f y (cycles x %ld free blocks / erases per day)\n",
        cycles * free_blocks / per_day, cycles * free_blocks / per_day / 365.25, free_blocks);
    return prog_violations ? 1 : 0;
}
