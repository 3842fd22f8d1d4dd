using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace AssetMeter.Collector.Records
{
    /// <summary>What kind of record a payload is (vendor field <c>XK</c>).</summary>
    public enum RecordKind
    {
        /// <summary><c>HH</c>: a closed UTC half-hour period.</summary>
        Period,

        /// <summary><c>SN</c>: a register snapshot.</summary>
        Snapshot,
    }

    /// <summary>
    /// The content of a meter's OCMF payload, parsed only after its signature has been checked against the exact
    /// bytes. Energy is in milliwatt-hours (the record's resolution), exactly: never through floating point.
    /// </summary>
    public sealed class MeterRecord
    {
        /// <summary>OBIS id of cumulative active import (+A).</summary>
        public const string ObisImport = "01-00:01.08.00*FF";

        /// <summary>OBIS id of cumulative active export (−A).</summary>
        public const string ObisExport = "01-00:02.08.00*FF";

        /// <summary>Ticks in a half hour.</summary>
        public const long PeriodTicks = 30 * TimeSpan.TicksPerMinute;

        public RecordKind Kind { get; init; }

        /// <summary>Meter serial, <c>MS</c>: names the key in the registry.</summary>
        public required string Serial { get; init; }

        /// <summary>Pagination, <c>PG</c>, as sent (<c>F&lt;period index&gt;</c> or <c>T&lt;utc seconds&gt;</c>).</summary>
        public required string Pagination { get; init; }

        /// <summary>The number after the pagination context letter.</summary>
        public long PaginationNumber { get; init; }

        public required string Model { get; init; }

        public required string Firmware { get; init; }

        /// <summary>UTC of the first reading (period start, or the snapshot's time).</summary>
        public DateTime StartUtc { get; init; }

        /// <summary>UTC of the period's end (equal to <see cref="StartUtc"/> for a snapshot).</summary>
        public DateTime EndUtc { get; init; }

        /// <summary>Time status letter: <c>S</c> synchronised, <c>U</c> not (for some of the period).</summary>
        public char TimeStatus { get; init; }

        public long ImportStartMilliwattHours { get; init; }

        public long ImportEndMilliwattHours { get; init; }

        public long ExportStartMilliwattHours { get; init; }

        public long ExportEndMilliwattHours { get; init; }

        /// <summary>OCMF error flags <c>EF</c>: empty, <c>E</c>, <c>t</c> or <c>Et</c>.</summary>
        public required string ErrorFlags { get; init; }

        /// <summary>OCMF meter status <c>ST</c>: <c>G</c> good, <c>F</c> read error.</summary>
        public char MeterStatus { get; init; }

        /// <summary>The meter's period flags, vendor field <c>XF</c> (see docs/records.md).</summary>
        public long Flags { get; init; }

        /// <summary>AMSID for import, <c>XI</c>.</summary>
        public required string AmsidImport { get; init; }

        /// <summary>AMSID for export, <c>XE</c>, when the asset has one.</summary>
        public string? AmsidExport { get; init; }

        /// <summary>The period index (UTC start / 30 min), for a period record.</summary>
        public long PeriodIndex => PaginationNumber;

        public long ImportMilliwattHours => ImportEndMilliwattHours - ImportStartMilliwattHours;

        public long ExportMilliwattHours => ExportEndMilliwattHours - ExportStartMilliwattHours;

        /// <summary>Parses a payload; null with the reason when it is not a well-formed record of this meter family.</summary>
        public static MeterRecord? TryParse(byte[] payload, out string error)
        {
            try
            {
                return Parse(payload, out error);
            }
            catch (JsonException e)
            {
                error = "payload is not valid JSON: " + e.Message;
                return null;
            }
            catch (FormatException e)
            {
                error = e.Message;
                return null;
            }
        }

        private static MeterRecord? Parse(byte[] payload, out string error)
        {
            error = string.Empty;
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("payload is not a JSON object");
            }

            RefuseDuplicateNames(root);
            string version = Required(root, "FV");
            if (version != "1.3")
            {
                throw new FormatException($"OCMF version '{version}' is not 1.3");
            }

            string kindText = Required(root, "XK");
            RecordKind kind = kindText switch
            {
                "HH" => RecordKind.Period,
                "SN" => RecordKind.Snapshot,
                _ => throw new FormatException($"record kind XK '{kindText}' is unknown"),
            };

            string pagination = Required(root, "PG");
            char context = kind == RecordKind.Period ? 'F' : 'T';
            if (pagination.Length < 2 || pagination[0] != context
                || !long.TryParse(pagination.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long number))
            {
                throw new FormatException($"pagination PG '{pagination}' is not {context} followed by a number");
            }

            string serial = Required(root, "MS");
            if (serial.Length == 0 || serial.Length > 64)
            {
                throw new FormatException("meter serial MS is empty or too long");
            }

            if (!root.TryGetProperty("RD", out JsonElement readings) || readings.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("readings RD missing");
            }

            var parsed = new List<Reading>();
            string? obis = null;
            string? errorFlags = null;
            char status = '\0';
            foreach (JsonElement reading in readings.EnumerateArray())
            {
                if (reading.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("a reading is not an object");
                }

                // Later readings omit fields equal to the previous reading's (OCMF), so they inherit them.
                obis = Optional(reading, "RI") ?? obis;
                errorFlags = Optional(reading, "EF") ?? errorFlags;
                string? statusText = Optional(reading, "ST");
                if (statusText != null)
                {
                    status = statusText.Length == 1 ? statusText[0] : throw new FormatException($"meter status ST '{statusText}' is not one letter");
                }

                string unit = Optional(reading, "RU") ?? "Wh";
                if (unit != "Wh")
                {
                    throw new FormatException($"reading unit RU '{unit}' is not Wh");
                }

                if (!reading.TryGetProperty("RV", out JsonElement value) || value.ValueKind != JsonValueKind.Number)
                {
                    throw new FormatException("a reading has no numeric RV");
                }

                ParseTime(Required(reading, "TM"), out DateTime time, out char timeStatus);
                parsed.Add(new Reading(time, timeStatus, MilliwattHours(value.GetRawText()), obis ?? throw new FormatException("first reading has no RI")));
            }

            int expected = kind == RecordKind.Period ? 4 : 2;
            if (parsed.Count != expected)
            {
                throw new FormatException($"{kindText} record has {parsed.Count} readings, not {expected}");
            }

            Reading importStart = parsed[0];
            Reading importEnd = kind == RecordKind.Period ? parsed[1] : parsed[0];
            Reading exportStart = kind == RecordKind.Period ? parsed[2] : parsed[1];
            Reading exportEnd = kind == RecordKind.Period ? parsed[3] : parsed[1];
            if (importStart.Obis != ObisImport || importEnd.Obis != ObisImport || exportStart.Obis != ObisExport || exportEnd.Obis != ObisExport)
            {
                throw new FormatException("readings are not import (1.8.0) then export (2.8.0)");
            }

            if (importStart.Time != exportStart.Time || importEnd.Time != exportEnd.Time)
            {
                throw new FormatException("import and export readings are not at the same times");
            }

            char overallTime = 'S';
            foreach (Reading r in parsed)
            {
                if (r.TimeStatus != 'S')
                {
                    overallTime = r.TimeStatus;
                }
            }

            if (!root.TryGetProperty("XF", out JsonElement flagsElement) || !flagsElement.TryGetInt64(out long flags) || flags < 0)
            {
                throw new FormatException("flags XF missing or not a non-negative integer");
            }

            return new MeterRecord
            {
                Kind = kind,
                Serial = serial,
                Pagination = pagination,
                PaginationNumber = number,
                Model = Optional(root, "MM") ?? string.Empty,
                Firmware = Optional(root, "MF") ?? string.Empty,
                StartUtc = importStart.Time,
                EndUtc = importEnd.Time,
                TimeStatus = overallTime,
                ImportStartMilliwattHours = importStart.Value,
                ImportEndMilliwattHours = importEnd.Value,
                ExportStartMilliwattHours = exportStart.Value,
                ExportEndMilliwattHours = exportEnd.Value,
                ErrorFlags = errorFlags ?? string.Empty,
                MeterStatus = status == '\0' ? 'G' : status,
                Flags = flags,
                AmsidImport = Required(root, "XI"),
                AmsidExport = Optional(root, "XE"),
            };
        }

        /// <summary>
        /// Parses OCMF time <c>yyyy-MM-ddTHH:mm:ss,fff+0000 S</c>. The meter always writes UTC (+0000); any other
        /// offset is refused rather than converted, because a meter that wrote one is not ours or is broken.
        /// </summary>
        public static void ParseTime(string text, out DateTime utc, out char status)
        {
            if (text.Length != 30 || text[19] != ',' || text.Substring(23, 6) != "+0000 ")
            {
                throw new FormatException($"time TM '{text}' is not yyyy-MM-ddTHH:mm:ss,fff+0000 and a status letter");
            }

            if (!DateTime.TryParseExact(text.Substring(0, 23), "yyyy-MM-dd'T'HH:mm:ss','fff", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc))
            {
                throw new FormatException($"time TM '{text}' is not a valid date and time");
            }

            status = text[29];
            if (status != 'S' && status != 'U' && status != 'I' && status != 'R')
            {
                throw new FormatException($"time status '{status}' is not an OCMF time status");
            }
        }

        /// <summary>Parses a register value in Wh with up to three decimals into milliwatt-hours, exactly.</summary>
        public static long MilliwattHours(string text)
        {
            int point = text.IndexOf('.');
            string whole = point < 0 ? text : text.Substring(0, point);
            string fraction = point < 0 ? string.Empty : text.Substring(point + 1);
            if (whole.Length == 0 || whole.Length > 15 || fraction.Length > 3 || !AllDigits(whole) || !AllDigits(fraction))
            {
                throw new FormatException($"register value RV '{text}' is not a non-negative Wh value with at most three decimals");
            }

            long value = long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture) * 1000;
            if (fraction.Length > 0)
            {
                value += long.Parse(fraction.PadRight(3, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
            }

            return value;
        }

        private static bool AllDigits(string text)
        {
            foreach (char c in text)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }

        private static void RefuseDuplicateNames(JsonElement element)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new FormatException($"field {property.Name} appears twice");
                }
            }
        }

        private static string Required(JsonElement element, string name)
        {
            return Optional(element, name) ?? throw new FormatException($"field {name} missing");
        }

        private static string? Optional(JsonElement element, string name)
        {
            if (!element.TryGetProperty(name, out JsonElement value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException($"field {name} is not a string");
        }

        private readonly record struct Reading(DateTime Time, char TimeStatus, long Value, string Obis);
    }
}
