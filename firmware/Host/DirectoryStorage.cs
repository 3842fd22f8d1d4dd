using System;
using System.IO;
using AssetMeter.Firmware.Storage;

namespace AssetMeter.Firmware.Host
{
    /// <summary>
    /// The journal's storage in a host directory. Each write goes to a temporary file that is flushed to disk and
    /// then renamed over the old one, so a crash leaves either the old or the new file, as LittleFS does on the device.
    /// </summary>
    public sealed class DirectoryStorage : IStorage
    {
        private readonly string _directory;

        public DirectoryStorage(string directory)
        {
            _directory = directory;
            Directory.CreateDirectory(directory);
            foreach (var leftover in Directory.GetFiles(directory, "*.tmp"))
            {
                File.Delete(leftover);
            }
        }

        public int Read(string name, byte[] buffer)
        {
            string path = Path.Combine(_directory, name);
            if (!File.Exists(path))
            {
                return -1;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            int total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            return total;
        }

        public void Write(string name, byte[] buffer, int count)
        {
            string path = Path.Combine(_directory, name);
            string temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(buffer, 0, count);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }

        public void Delete(string name)
        {
            File.Delete(Path.Combine(_directory, name));
        }

        public int List(string[] names)
        {
            int count = 0;
            foreach (var file in Directory.EnumerateFiles(_directory))
            {
                if (count == names.Length)
                {
                    break;
                }

                string name = Path.GetFileName(file);
                if (!name.EndsWith(".tmp", StringComparison.Ordinal))
                {
                    names[count++] = name;
                }
            }

            return count;
        }
    }
}
