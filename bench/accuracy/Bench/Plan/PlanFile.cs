using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AssetMeter.Bench.Plan
{
    /// <summary>The plan file: JSON, camelCase names, written indented so that an engineer can read and edit it.</summary>
    public static class PlanFile
    {
        private static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        };

        public static string ToJson(TestPlan plan) => JsonSerializer.Serialize(plan, Options);

        /// <summary>Parses and validates a plan; a mistake gives a <see cref="FormatException"/> that says where.</summary>
        public static TestPlan FromJson(string json)
        {
            TestPlan? plan;
            try
            {
                plan = JsonSerializer.Deserialize<TestPlan>(json, Options);
            }
            catch (JsonException e)
            {
                throw new FormatException($"plan file: {e.Message}", e);
            }

            if (plan == null)
            {
                throw new FormatException("plan file is empty");
            }

            plan.Validate();
            return plan;
        }

        public static TestPlan Load(string path) => FromJson(File.ReadAllText(path));

        public static void Save(TestPlan plan, string path) => File.WriteAllText(path, ToJson(plan) + Environment.NewLine);
    }
}
