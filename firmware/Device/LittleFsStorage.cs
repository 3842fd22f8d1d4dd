using System;
using System.IO;
using AssetMeter.Firmware.Storage;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The journal's storage on the ESP32's internal flash drive <c>I:</c> (LittleFS, through
    /// nanoFramework.System.IO.FileSystem). Each write goes to a temporary file that is closed (which is when
    /// LittleFS commits it) before it replaces the old file; reads fill the caller's buffer without allocating.
    /// </summary>
    /// <remarks>
    /// <para>
    /// nanoFramework's <c>File.Move</c> refuses an existing destination (there is no overwrite) and its
    /// <c>FileStream</c> has no <c>Flush(true)</c>: the ESP32 driver's Flush is a stdio fflush, and esp_littlefs
    /// commits file data only when the file is closed. So a write is: create <c>name.tmp</c>, write, close;
    /// delete <c>name</c>; rename <c>name.tmp</c> to <c>name</c> (a LittleFS rename, which is atomic).
    /// </para>
    /// <para>
    /// A power cut at any point leaves one of: the old <c>name</c> with a partial <c>name.tmp</c> (cut while
    /// writing: the new data is lost, the old file is intact); no <c>name</c> and a complete <c>name.tmp</c> (cut
    /// between the delete and the rename); or the new <c>name</c>. At start-up a <c>name.tmp</c> whose
    /// <c>name</c> exists is deleted, and one whose <c>name</c> is missing is renamed into place, so the second
    /// case ends with the new data. The one case that loses a file outright is a cut while writing the very first
    /// version of a file (a partial <c>name.tmp</c> is then promoted, or nothing is there). The journal tolerates
    /// all of these by design (IStorage: a torn write may leave the file absent, old, truncated or garbled): it
    /// never trusts a file without its CRC, and everything it rewrites alternates between two copies
    /// (<c>ck.a</c>/<c>ck.b</c>, <c>s12.a</c>/<c>s12.b</c>, ...) carrying a write sequence, so the copy that was
    /// not being written still holds the previous state. A torn write loses at most that one write.
    /// </para>
    /// <para>
    /// Failures are thrown for the journal to catch and retry. Managed checks throw <c>IOException</c>; failures
    /// in the native LittleFS driver surface as a plain <c>System.Exception</c> (the interpreter has no mapping
    /// for its file-I/O error codes), which is why callers here catch <c>Exception</c>.
    /// </para>
    /// </remarks>
    public sealed class LittleFsStorage : IStorage
    {
        private const string TemporarySuffix = ".tmp";

        private readonly string _directory;

        /// <summary>
        /// Uses <paramref name="directory"/> (for example <c>I:\journal</c>), creating it if needed, and finishes
        /// or discards any replacement a power cut interrupted.
        /// </summary>
        public LittleFsStorage(string directory)
        {
            _directory = directory;
            Directory.CreateDirectory(directory);
            Recover();
        }

        /// <summary>Files replaced by a completed temporary copy at start-up (interrupted replacements).</summary>
        public int Promoted { get; private set; }

        /// <summary>Partial temporary copies deleted at start-up.</summary>
        public int Discarded { get; private set; }

        /// <inheritdoc />
        public int Read(string name, byte[] buffer)
        {
            string path = PathOf(name);
            if (!File.Exists(path))
            {
                return -1;
            }

            using (FileStream stream = new FileStream(path, FileMode.Open, FileAccess.Read))
            {
                return ReadInto(stream, buffer);
            }
        }

        /// <inheritdoc />
        public void Write(string name, byte[] buffer, int count)
        {
            string path = PathOf(name);
            string temporary = path + TemporarySuffix;
            using (FileStream stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                stream.Write(buffer, 0, count);
            }

            // Closed: LittleFS has committed the new copy. Only now is the old one removed.
            File.Delete(path);
            File.Move(temporary, path);
        }

        /// <inheritdoc />
        public void Delete(string name)
        {
            File.Delete(PathOf(name));
        }

        /// <inheritdoc />
        public int List(string[] names)
        {
            string[] files = Directory.GetFiles(_directory);
            int count = 0;
            for (int i = 0; i < files.Length && count < names.Length; i++)
            {
                string name = Path.GetFileName(files[i]);
                if (!name.EndsWith(TemporarySuffix))
                {
                    names[count++] = name;
                }
            }

            return count;
        }

        // Reads until the buffer is full or the file ends (a read of 0), whichever comes first.
        private static int ReadInto(FileStream stream, byte[] buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer, total, buffer.Length - total);
                if (read <= 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }

        private void Recover()
        {
            string[] files = Directory.GetFiles(_directory);
            for (int i = 0; i < files.Length; i++)
            {
                string temporary = files[i];
                if (!temporary.EndsWith(TemporarySuffix))
                {
                    continue;
                }

                string path = temporary.Substring(0, temporary.Length - TemporarySuffix.Length);
                try
                {
                    if (File.Exists(path))
                    {
                        // Cut while the temporary copy was written: the old file stands.
                        File.Delete(temporary);
                        Discarded++;
                    }
                    else
                    {
                        // Cut between delete and rename: finish the replacement (the journal checks its CRC).
                        File.Move(temporary, path);
                        Promoted++;
                    }
                }
                catch (Exception)
                {
                    // Leave it: the journal reads what is there and the next write of that name replaces it.
                }
            }
        }

        private string PathOf(string name)
        {
            return _directory + "\\" + name;
        }
    }
}
