namespace AssetMeter.Firmware.Storage
{
    /// <summary>
    /// Flash storage as the journal uses it: small named files, each read and written whole (open, write, close),
    /// which is when LittleFS commits data. Implementations: a LittleFS directory on the ESP32's I: drive, a host
    /// directory, an in-memory store, and a fault-injecting wrapper that tears writes.
    /// </summary>
    /// <remarks>
    /// A write may be torn by a power cut, leaving the file absent, old, truncated or garbled; the journal never
    /// trusts a file without its CRC and keeps a second copy of anything it is rewriting. Implementations report
    /// failures by throwing; the journal catches, logs and retries.
    /// </remarks>
    public interface IStorage
    {
        /// <summary>Reads a whole file into <paramref name="buffer"/>; returns its length, or -1 if there is no such file.</summary>
        /// <remarks>A file longer than the buffer is read up to the buffer's length and reported as that length.</remarks>
        int Read(string name, byte[] buffer);

        /// <summary>Replaces a file with <paramref name="count"/> bytes of <paramref name="buffer"/>.</summary>
        void Write(string name, byte[] buffer, int count);

        /// <summary>Deletes a file if it exists.</summary>
        void Delete(string name);

        /// <summary>Names of the files present, into <paramref name="names"/>; returns how many (at most its length).</summary>
        int List(string[] names);
    }
}
