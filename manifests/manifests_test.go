package manifests

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// kubeDir holds the Kubernetes manifests, relative to this package.
const kubeDir = "kubernetes"

// yamlDoc is one document of a YAML file, kept as a node so tests can decode it into whichever type they need.
type yamlDoc struct {
	File string
	Node *yaml.Node
}

// meta is the part of a Kubernetes object every test looks at.
type meta struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
}

// mustReadDocs parses every document of a YAML file; empty documents (a trailing "---") are skipped.
func mustReadDocs(t *testing.T, path string) []yamlDoc {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs []yamlDoc
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs
		}
		require.NoError(t, err, "parse %s document %d", path, len(docs)+1)
		if len(n.Content) == 0 {
			continue
		}
		docs = append(docs, yamlDoc{File: path, Node: &n})
	}
}

// mustYAMLFiles lists every YAML file under dir.
func mustYAMLFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(path); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, path)
		}
		return nil
	})
	require.NoError(t, err)
	return files
}

// mustKubeObjects decodes every document under kubernetes/ and indexes it by kind and name ("Deployment/preorderbot").
func mustKubeObjects(t *testing.T) map[string]yamlDoc {
	t.Helper()
	objects := map[string]yamlDoc{}
	for _, file := range mustYAMLFiles(t, kubeDir) {
		for _, doc := range mustReadDocs(t, file) {
			var m meta
			require.NoError(t, doc.Node.Decode(&m), file)
			require.NotEmpty(t, m.Kind, "%s: document without kind", file)
			key := m.Kind + "/" + m.Metadata.Name
			require.NotContains(t, objects, key, "%s: duplicate %s", file, key)
			objects[key] = doc
		}
	}
	return objects
}

// mustDecode decodes the object key from objects into v.
func mustDecode(t *testing.T, objects map[string]yamlDoc, key string, v any) {
	t.Helper()
	doc, ok := objects[key]
	require.True(t, ok, "%s not found in %s", key, kubeDir)
	require.NoError(t, doc.Node.Decode(v), key)
}

func TestEveryYAMLFileParses(t *testing.T) {
	files := mustYAMLFiles(t, ".")
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			assert.NotEmpty(t, mustReadDocs(t, file), "no documents")
		})
	}
}

func TestKubernetesObjectsHaveNoNamespace(t *testing.T) {
	for key, doc := range mustKubeObjects(t) {
		var m meta
		require.NoError(t, doc.Node.Decode(&m))
		assert.Empty(t, m.Metadata.Namespace, "%s in %s: the namespace is chosen at apply time", key, doc.File)
	}
}

func TestKubernetesObjectSet(t *testing.T) {
	objects := mustKubeObjects(t)
	var got []string
	for key := range objects {
		got = append(got, key)
	}
	want := []string{
		"ConfigMap/preorderbot-config",
		"Deployment/preorderbot",
		"Kustomization/",
		"PersistentVolumeClaim/preorderbot-data",
		"Secret/preorderbot-secrets",
		"Service/preorderbot",
	}
	assert.ElementsMatch(t, want, got)
}

// kustomization is the part of kustomization.yaml the tests check.
type kustomization struct {
	Resources []string         `yaml:"resources"`
	Images    []kustomizeImage `yaml:"images"`
}

// kustomizeImage is one image rewrite of kustomization.yaml.
type kustomizeImage struct {
	Name string `yaml:"name"`
}

func TestKustomization(t *testing.T) {
	objects := mustKubeObjects(t)
	var k kustomization
	mustDecode(t, objects, "Kustomization/", &k)

	for _, r := range k.Resources {
		info, err := os.Stat(filepath.Join(kubeDir, r))
		if assert.NoError(t, err, "resource %s", r) {
			assert.False(t, info.IsDir(), "resource %s", r)
		}
	}
	assert.NotContains(t, k.Resources, "secret.example.yaml", "placeholder tokens must not be applied")

	// Every manifest except the kustomization and the example secret is listed, so none is silently left out.
	for _, doc := range objects {
		name := filepath.Base(doc.File)
		if name == "kustomization.yaml" || name == "secret.example.yaml" {
			continue
		}
		assert.Contains(t, k.Resources, name)
	}

	var d deployment
	mustDecode(t, objects, "Deployment/preorderbot", &d)
	require.Len(t, d.Spec.Template.Spec.Containers, 1)
	image := d.Spec.Template.Spec.Containers[0].Image
	assert.True(t, slices.ContainsFunc(k.Images, func(i kustomizeImage) bool { return i.Name == image }),
		"kustomization images must rewrite the deployment image %q", image)
}

func TestPersistentVolumeClaim(t *testing.T) {
	var pvc struct {
		Spec struct {
			AccessModes []string `yaml:"accessModes"`
			Resources   struct {
				Requests map[string]string `yaml:"requests"`
			} `yaml:"resources"`
		} `yaml:"spec"`
	}
	mustDecode(t, mustKubeObjects(t), "PersistentVolumeClaim/preorderbot-data", &pvc)
	assert.Equal(t, []string{"ReadWriteOnce"}, pvc.Spec.AccessModes)
	assert.NotEmpty(t, pvc.Spec.Resources.Requests["storage"])
}

func TestSecretExample(t *testing.T) {
	var s struct {
		Type       string            `yaml:"type"`
		Data       map[string]string `yaml:"data"`
		StringData map[string]string `yaml:"stringData"`
	}
	mustDecode(t, mustKubeObjects(t), "Secret/preorderbot-secrets", &s)
	assert.Equal(t, "Opaque", s.Type)
	assert.Empty(t, s.Data, "use stringData so the example is readable")

	var keys []string
	for k, v := range s.StringData {
		keys = append(keys, k)
		assert.Contains(t, v, "REPLACE-ME", "%s must be an obvious placeholder", k)
	}
	assert.ElementsMatch(t, []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "HOTWAX_TOKEN"}, keys)
}

func TestConfigMap(t *testing.T) {
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	mustDecode(t, mustKubeObjects(t), "ConfigMap/preorderbot-config", &cm)

	var keys []string
	for k := range cm.Data {
		keys = append(keys, k)
		assert.NotContains(t, k, "TOKEN", "secrets belong in the Secret")
		assert.NotContains(t, k, "PASSWORD", "secrets belong in the Secret")
	}
	want := []string{
		"HOTWAX_BASE_URL",
		"HOTWAX_PRODUCT_STORE_ID",
		"HOTWAX_PARENT_SHOP_ID",
		"PREORDERBOT_OPERATORS",
		"PREORDERBOT_OPERATOR_GROUPS",
		"PREORDERBOT_SUPPORT_CHANNEL",
		"PREORDERBOT_SUPPORT_MENTION",
		"PREORDERBOT_LOG_LEVEL",
	}
	assert.ElementsMatch(t, want, keys)
}

func TestService(t *testing.T) {
	var s struct {
		Metadata struct {
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"metadata"`
		Spec struct {
			Selector map[string]string `yaml:"selector"`
			Ports    []struct {
				Name       string `yaml:"name"`
				Port       int    `yaml:"port"`
				TargetPort string `yaml:"targetPort"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}
	objects := mustKubeObjects(t)
	mustDecode(t, objects, "Service/preorderbot", &s)

	assert.Equal(t, map[string]string{
		"prometheus.io/scrape": "true",
		"prometheus.io/port":   "8080",
		"prometheus.io/path":   "/metrics",
	}, s.Metadata.Annotations)
	require.Len(t, s.Spec.Ports, 1)
	assert.Equal(t, 8080, s.Spec.Ports[0].Port)
	assert.Equal(t, "http", s.Spec.Ports[0].TargetPort)

	var d deployment
	mustDecode(t, objects, "Deployment/preorderbot", &d)
	assert.NotEmpty(t, s.Spec.Selector)
	assert.Equal(t, d.Spec.Selector.MatchLabels, s.Spec.Selector, "the Service must select the bot's pod")
}

// TestManifestFilesAreYAML guards the walk above: a manifest saved as .json or without extension would escape
// every other test.
func TestManifestFilesAreYAML(t *testing.T) {
	entries, err := os.ReadDir(kubeDir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.True(t, strings.HasSuffix(e.Name(), ".yaml"), "%s/%s", kubeDir, e.Name())
	}
}
