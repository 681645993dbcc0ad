using Instruments.Diagnostics;

namespace Instruments.Definitions;

internal static partial class DefinitionBinder
{
    private sealed partial class Binder
    {
        /// <summary>INS1170-INS1174: declared codes are whole, name their system by URI, are unique where they must be, and cite a source.</summary>
        private void CheckCodes()
        {
            CheckCode(def.Code, "code", $"Instrument '{def.Id}'");
            foreach (var scale in def.ResponseScales)
            {
                var path = "response_scales." + scale.Id;
                var seen = new Dictionary<(string, string), int>();
                for (var k = 0; k < scale.Options.Length; k++)
                {
                    var option = scale.Options[k];
                    var codePath = $"{path}.options[{k}].code";
                    if (!CheckCode(option.Code, codePath, $"Response scale '{scale.Id}', option {option.Value}"))
                    {
                        continue;
                    }

                    if (!seen.TryAdd((option.Code!.System, option.Code.Code), option.Value))
                    {
                        Report(InstrumentDiagnostics.DuplicateOptionCode, codePath, scale.Id, seen[(option.Code.System, option.Code.Code)], option.Value, option.Code);
                    }
                }
            }

            var items = new Dictionary<(string, string), string>();
            for (var i = 0; i < def.Items.Length; i++)
            {
                var item = def.Items[i];
                var codePath = $"items[{i}].code";
                if (CheckCode(item.Code, codePath, $"Item '{item.Id}'") && !items.TryAdd((item.Code!.System, item.Code.Code), item.Id))
                {
                    Report(InstrumentDiagnostics.DuplicateItemCode, codePath, items[(item.Code.System, item.Code.Code)], item.Id, item.Code);
                }
            }

            for (var i = 0; i < def.Scores.Length; i++)
            {
                CheckCode(def.Scores[i].Code, $"scores[{i}].code", $"Score '{def.Scores[i].Id}'");
            }
        }

        /// <summary>Checks one code; true when it is declared and whole (so it can be compared with others).</summary>
        private bool CheckCode(CodeDeclaration? code, string path, string owner)
        {
            if (code is null)
            {
                return false;
            }

            var whole = true;
            if (string.IsNullOrWhiteSpace(code.System))
            {
                Report(InstrumentDiagnostics.IncompleteCode, path, owner, "system");
                whole = false;
            }
            else if (!Uri.TryCreate(code.System, UriKind.Absolute, out var uri) || uri.IsFile || code.System.Any(char.IsWhiteSpace))
            {
                Report(InstrumentDiagnostics.CodeSystemNotUri, path + ".system", owner, code.System);
            }

            if (string.IsNullOrWhiteSpace(code.Code))
            {
                Report(InstrumentDiagnostics.IncompleteCode, path, owner, "code");
                whole = false;
            }

            if (whole && code.Sources.IsDefaultOrEmpty)
            {
                Report(InstrumentDiagnostics.CodeWithoutSource, path, owner, code);
            }

            return whole;
        }
    }
}
