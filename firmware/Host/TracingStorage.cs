using System;
using System.IO;
using AssetMeter.Firmware.Storage;

namespace AssetMeter.Firmware.Host
{
    /// <summary>
    /// Records every storage operation the journal makes, one line each, so that the same sequence can be replayed
    /// against the real LittleFS (bench/flashwear/littlefs-replay.sh) to count block erases. Passes everything through
    /// to the storage it wraps.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The format (text, one operation a line, fields separated by one space; names never contain spaces):
    /// </para>
    /// <list type="bullet">
    /// <item><c>W name bytes</c>: the file was replaced with that many bytes (IStorage.Write).</item>
    /// <item><c>D name</c>: delete the file if it exists (IStorage.Delete).</item>
    /// <item><c>R name</c>: the whole file was read (IStorage.Read); recorded whether or not it exists.</item>
    /// <item><c>L</c>: the directory was listed (IStorage.List).</item>
    /// <item><c>day N</c>: simulated UTC day N of the measured span begins (<see cref="MarkDay"/>).</item>
    /// <item><c># ...</c>: a comment (<see cref="Comment"/>).</item>
    /// </list>
    /// <para>
    /// Reads and listings are recorded because on the device they are not free: the nanoFramework LittleFS driver
    /// opens every existing file read-write, and the ESP-IDF LittleFS layer then commits its modification-time
    /// attribute. Writing a line allocates nothing (numbers are formatted into a reused buffer), so tracing does not
    /// disturb the allocation figures of the run it records.
    /// </para>
    /// </remarks>
    public sealed class TracingStorage : IStorage
    {
        private readonly IStorage _inner;
        private readonly TextWriter _trace;
        private readonly char[] _digits = new char[20];

        /// <summary>Records the operations on <paramref name="inner"/> into <paramref name="trace"/> (not disposed here).</summary>
        public TracingStorage(IStorage inner, TextWriter trace)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            _trace = trace ?? throw new ArgumentNullException(nameof(trace));
        }

        /// <summary>Lines of operations recorded so far (comments and day marks not counted).</summary>
        public long Operations { get; private set; }

        /// <inheritdoc />
        public int Read(string name, byte[] buffer)
        {
            int length = _inner.Read(name, buffer);
            _trace.Write("R ");
            _trace.Write(name);
            _trace.Write('\n');
            Operations++;
            return length;
        }

        /// <inheritdoc />
        public void Write(string name, byte[] buffer, int count)
        {
            _inner.Write(name, buffer, count);
            _trace.Write("W ");
            _trace.Write(name);
            _trace.Write(' ');
            WriteNumber(count);
            _trace.Write('\n');
            Operations++;
        }

        /// <inheritdoc />
        public void Delete(string name)
        {
            _inner.Delete(name);
            _trace.Write("D ");
            _trace.Write(name);
            _trace.Write('\n');
            Operations++;
        }

        /// <inheritdoc />
        public int List(string[] names)
        {
            int count = _inner.List(names);
            _trace.Write("L\n");
            Operations++;
            return count;
        }

        /// <summary>Marks the start of simulated day <paramref name="day"/> (0 = the first day of the measured span).</summary>
        public void MarkDay(int day)
        {
            _trace.Write("day ");
            WriteNumber(day);
            _trace.Write('\n');
        }

        /// <summary>Writes a comment line (a description of the run; the replay prints it).</summary>
        public void Comment(string text)
        {
            _trace.Write("# ");
            _trace.Write(text);
            _trace.Write('\n');
        }

        // Decimal digits of a non-negative number, without allocating.
        private void WriteNumber(long value)
        {
            int at = _digits.Length;
            do
            {
                _digits[--at] = (char)('0' + (value % 10));
                value /= 10;
            }
            while (value > 0);

            _trace.Write(_digits, at, _digits.Length - at);
        }
    }
}
